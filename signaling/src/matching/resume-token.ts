/**
 * Resume tokens: `<pair secret>.<side secret>`, 128 random bits each, in hex.
 * Both partners hold the pair's secret, each their own side's; matching
 * keeps only digests of them, for as long as the chat and its grace last.
 * The Redis script derives and digests its own in Lua (redis-script.ts):
 * the two backends' digests differ, their tokens look alike.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN = /^([0-9a-f]{32})\.([0-9a-f]{32})$/u;

export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 32);
}

/** The pair's and the side's secret of a well-formed token, or undefined. */
export function parseResumeToken(token: string): { pair: string; side: string } | undefined {
  const match = TOKEN.exec(token);
  return match?.[1] === undefined || match[2] === undefined
    ? undefined
    : { pair: match[1], side: match[2] };
}

export function isResumeToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}
