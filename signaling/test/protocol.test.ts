import { describe, expect, it } from 'vitest';
import {
  isValidNickname,
  normalizeInterest,
  normalizeInterests,
  normalizeNickname,
  parseInterestList,
} from '../src/protocol.js';
import { RateLimiter } from '../src/rate-limiter.js';
import { isRelayCandidate } from '../src/schemas.js';
import { ManualClock } from './helpers.js';

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

describe('relay candidate filter', () => {
  it('recognizes relay candidates and the end-of-candidates marker only', () => {
    expect(
      isRelayCandidate(
        'candidate:3 1 udp 41885439 198.51.100.7 61000 typ relay raddr 0.0.0.0 rport 0',
      ),
    ).toBe(true);
    expect(isRelayCandidate('')).toBe(true);
    expect(isRelayCandidate('candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host')).toBe(false);
    expect(
      isRelayCandidate('candidate:2 1 udp 1 203.0.113.5 1 typ srflx raddr relay rport 1'),
    ).toBe(false);
    expect(isRelayCandidate('garbage relay')).toBe(false);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the sustained rate', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(3, 2, clock);
    expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    clock.advance(499);
    expect(limiter.tryTake()).toBe(false);
    clock.advance(1);
    expect(limiter.tryTake()).toBe(true);
    clock.advance(60_000);
    expect([limiter.tryTake(), limiter.tryTake(), limiter.tryTake(), limiter.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
