import { describe, expect, it } from 'vitest';
import { ManualClock } from '@mayfly/protocol';
import { RateLimiter } from '../src/rate-limiter.js';
import { isRelayCandidate } from '../src/schemas.js';

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
