import { describe, expect, it } from 'vitest';
import {
  isValidNickname,
  normalizeInterest,
  normalizeInterests,
  normalizeNickname,
  parseInterestList,
} from '../src/index.js';

describe('protocol normalizers', () => {
  it('normalizes interests into lower-case tags and drops duplicates', () => {
    expect(normalizeInterest('  #Jazz ')).toBe('jazz');
    expect(normalizeInterest('Board Games')).toBe('board-games');
    expect(normalizeInterest('ＣＨＥＳＳ')).toBe('chess');
    expect(normalizeInterest('c++')).toBeUndefined();
    expect(normalizeInterests(['Jazz', 'jazz', '#JAZZ', 'go'])).toEqual(['jazz', 'go']);
    expect(normalizeInterests(['a', 'b', 'c', 'd', 'e', 'f'])).toBeUndefined();
    expect(parseInterestList('jazz, go,, chess ')).toEqual(['jazz', 'go', 'chess']);
  });

  it('accepts nicknames of letters and digits in any script, and nothing that could be markup', () => {
    expect(normalizeNickname('  Zoë   the_2nd ')).toBe('Zoë the_2nd');
    expect(isValidNickname('Zoë the_2nd')).toBe(true);
    expect(isValidNickname('Иван')).toBe(true);
    expect(isValidNickname('<b>')).toBe(false);
    expect(isValidNickname('_leading')).toBe(false);
    expect(isValidNickname('x'.repeat(25))).toBe(false);
    expect(normalizeNickname('   ')).toBeUndefined();
  });
});
