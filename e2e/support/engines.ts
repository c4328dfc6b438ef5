/**
 * Which browser engines the cross-engine scenarios (tests/cross-engine*.spec.ts) pair up, read
 * once from E2E_BROWSERS:
 *
 * - unset: every pair with Firefox in it, `chromium:firefox,firefox:chromium,firefox:firefox`
 *   (Chromium with Chromium is what every other scenario runs);
 * - engines, `chromium,firefox`: every ordered pair of them, Chromium with Chromium included;
 * - pairs, `firefox:chromium,firefox:firefox`: those pairs. The first of a pair waits and the
 *   second joins, so the first makes the WebRTC offer.
 */
import { existsSync } from 'node:fs';

export const ENGINES = ['chromium', 'firefox'] as const;
export type Engine = (typeof ENGINES)[number];

export interface EnginePair {
  /** The stranger who waits first (and so makes the offer). */
  readonly first: Engine;
  /** The stranger who joins. */
  readonly second: Engine;
  /** `firefox x chromium`: for test titles, so `-g firefox` picks them. */
  readonly name: string;
}

const DEFAULT_PAIRS = 'chromium:firefox,firefox:chromium,firefox:firefox';

function engineNamed(name: string, value: string): Engine {
  const engine = ENGINES.find((known) => known === name);
  if (engine === undefined) {
    throw new Error(
      `E2E_BROWSERS=${value}: unknown engine "${name}" (known: ${ENGINES.join(', ')})`,
    );
  }
  return engine;
}

function pairOf(first: Engine, second: Engine): EnginePair {
  return { first, second, name: `${first} x ${second}` };
}

/** The pairs E2E_BROWSERS asks for; throws, naming the variable, on a value it cannot read. */
export function parseEnginePairs(value: string | undefined): EnginePair[] {
  const text = value === undefined || value.trim() === '' ? DEFAULT_PAIRS : value;
  const entries = text.split(',').map((entry) => entry.trim());
  const asPairs = entries.filter((entry) => entry.includes(':'));
  if (asPairs.length === 0) {
    const engines = [...new Set(entries.map((entry) => engineNamed(entry, text)))];
    return engines.flatMap((first) => engines.map((second) => pairOf(first, second)));
  }
  if (asPairs.length !== entries.length) {
    throw new Error(
      `E2E_BROWSERS=${text}: list either engines (chromium,firefox) or pairs (firefox:chromium), not both`,
    );
  }
  const pairs = asPairs.map((entry) => {
    const [first = '', second = '', ...rest] = entry.split(':');
    if (rest.length > 0) throw new Error(`E2E_BROWSERS=${text}: "${entry}" is not a pair`);
    return pairOf(engineNamed(first, text), engineNamed(second, text));
  });
  return pairs.filter((pair, index) => pairs.findIndex((p) => p.name === pair.name) === index);
}

export const ENGINE_PAIRS: readonly EnginePair[] = parseEnginePairs(process.env.E2E_BROWSERS);

/** FIREFOX_PATH, else Debian's firefox-esr, else a `firefox` in /usr/bin; undefined if none. */
export function firefoxExecutable(): string | undefined {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((candidate) => existsSync(candidate));
}

/**
 * Why a pair cannot run here, for `test.skip`: only a missing Firefox when nobody asked for it
 * (E2E_BROWSERS unset). A run that names Firefox and has none fails instead, at launch.
 */
export function pairSkipReason(pair: EnginePair): string | undefined {
  const needsFirefox = pair.first === 'firefox' || pair.second === 'firefox';
  const asked = (process.env.E2E_BROWSERS ?? '').trim() !== '';
  if (!needsFirefox || asked || firefoxExecutable() !== undefined) return undefined;
  return 'Firefox not found (apt-get install firefox-esr, or FIREFOX_PATH)';
}
