/** Checks of option values shared by the embedded server and the coturn config renderer. */
import { TurnOptionError } from './errors.js';
import { canonicalIp } from './ip-address.js';

/** The value (or its default) as a whole number within bounds; throws naming the option. */
export function integerOption(
  option: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < min || result > max) {
    throw new TurnOptionError(option, `must be an integer from ${min} to ${max}`);
  }
  return result;
}

/** The canonical form of an IP literal; throws naming the option. */
export function ipOption(option: string, value: string): string {
  const canonical = canonicalIp(value);
  if (canonical === undefined) throw new TurnOptionError(option, `"${value}" is not an IP address`);
  return canonical;
}
