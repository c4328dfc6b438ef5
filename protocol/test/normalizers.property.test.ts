/**
 * Properties of the normalizers every client-supplied nickname and interest
 * goes through, over arbitrary Unicode (any code point, lone surrogates and
 * combining marks included), not only the examples in normalizers.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INTEREST_MAX_LENGTH,
  INTERESTS_MAX_COUNT,
  isValidNickname,
  NICKNAME_MAX_LENGTH,
  normalizeInterest,
  normalizeInterests,
  normalizeNickname,
  parseInterestList,
} from '../src/index.js';

/** Any string of any code points, lone surrogates included. */
const anyText = fc.string({ unit: 'binary', maxLength: 60 });
/** Text that looks like what people type: letters, digits, spaces, punctuation, accents. */
const typedText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(' ', '  ', '\t', '-', '_', '.', '#', ',', '\u00a0', '\u0301', '\u3000'),
    fc.constantFrom('a', 'Z', 'é', 'ß', 'İ', 'Ω', 'Ж', '中', 'ﬁ', 'Ⅻ', '①', 'ｃ', '٣', '𝔸'),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
});
const text = fc.oneof(anyText, typedText);
const codePoints = (value: string): number => [...value].length;

describe('protocol normalizers: properties', () => {
  it('normalizeNickname never throws, is idempotent and trims', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const nickname = normalizeNickname(raw);
        if (nickname === undefined) return;
        expect(nickname).not.toBe('');
        expect(nickname.trim()).toBe(nickname);
        expect(normalizeNickname(nickname)).toBe(nickname);
      }),
      { numRuns: 2000 },
    );
  });

  it('a nickname that passes isValidNickname is within the protocol limits and normalized', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const nickname = normalizeNickname(raw);
        if (nickname === undefined || !isValidNickname(nickname)) return;
        expect(codePoints(nickname)).toBeLessThanOrEqual(NICKNAME_MAX_LENGTH);
        expect(nickname).toMatch(/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u);
        expect(nickname).not.toMatch(/ {2}|[<>&"'`]/u);
        expect(nickname.normalize('NFKC')).toBe(nickname);
      }),
      { numRuns: 2000 },
    );
  });

  it('isValidNickname never throws on any string', () => {
    fc.assert(
      fc.property(text, (raw) => {
        expect(typeof isValidNickname(raw)).toBe('boolean');
      }),
    );
  });

  it('normalizeInterest never throws, and returns a tag within the limits that normalizes to itself', () => {
    fc.assert(
      fc.property(text, (raw) => {
        const tag = normalizeInterest(raw);
        if (tag === undefined) return;
        expect(codePoints(tag)).toBeGreaterThan(0);
        expect(codePoints(tag)).toBeLessThanOrEqual(INTEREST_MAX_LENGTH);
        expect(tag).toMatch(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u);
        expect(normalizeInterest(tag)).toBe(tag);
      }),
      { numRuns: 2000 },
    );
  });

  it('normalizeInterests returns distinct valid tags, at most the maximum, in a fixed point', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 12 }), (raw) => {
        const tags = normalizeInterests(raw);
        if (tags === undefined) return;
        expect(tags.length).toBeLessThanOrEqual(INTERESTS_MAX_COUNT);
        expect(new Set(tags).size).toBe(tags.length);
        for (const tag of tags) expect(normalizeInterest(tag)).toBe(tag);
        expect(normalizeInterests(tags)).toEqual(tags);
      }),
      { numRuns: 1000 },
    );
  });

  it('normalizeInterests refuses a list as soon as one entry is not a tag', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 6 }), text, (raw, bad) => {
        fc.pre(normalizeInterest(bad) === undefined);
        expect(normalizeInterests([...raw, bad])).toBeUndefined();
      }),
    );
  });

  it('parseInterestList yields trimmed, non-empty parts without commas', () => {
    fc.assert(
      fc.property(text, (raw) => {
        for (const part of parseInterestList(raw)) {
          expect(part).not.toBe('');
          expect(part.trim()).toBe(part);
          expect(part).not.toContain(',');
        }
      }),
    );
  });
});
