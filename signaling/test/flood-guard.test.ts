import { describe, expect, it } from 'vitest';
import { ManualClock } from '@mayfly/protocol';
import { FloodGuard } from '../src/flood-guard.js';

const LIMITS = { rateLimitBurst: 5, rateLimitPerSecond: 2, rateLimitDisconnectAfter: 10 };

/** Sends one event the way the adapter does: counted as a packet, then admitted or dropped. */
function send(guard: FloodGuard): 'allowed' | 'dropped' | 'cut off' {
  if (!guard.packetArrived('message')) return 'cut off';
  return guard.admitEvent() ? 'allowed' : 'dropped';
}

describe('FloodGuard', () => {
  it('drops events past the burst and cuts off the connection after as many more as allowed', () => {
    const guard = new FloodGuard(LIMITS, new ManualClock());
    const outcomes = Array.from({ length: 16 }, () => send(guard));
    expect(outcomes).toEqual([
      ...Array<string>(5).fill('allowed'),
      ...Array<string>(10).fill('dropped'),
      'cut off',
    ]);
  });

  it('never cuts off a connection that keeps to its sustained rate', () => {
    const clock = new ManualClock();
    const guard = new FloodGuard(LIMITS, clock);
    for (let second = 0; second < 3600; second++) {
      expect([send(guard), send(guard)]).toEqual(['allowed', 'allowed']);
      clock.advance(1000);
    }
  });

  it('forgives drops at the sustained rate: a burst now and then is not a flood', () => {
    const clock = new ManualClock();
    const guard = new FloodGuard(LIMITS, clock);
    for (let episode = 0; episode < 100; episode++) {
      // Twice the burst at once, then quiet long enough for both budgets to refill.
      const outcomes = Array.from({ length: 10 }, () => send(guard));
      expect(outcomes.filter((outcome) => outcome === 'dropped')).toHaveLength(5);
      clock.advance(10_000);
    }
  });

  it('cuts off a connection that keeps sending faster than its rate, however slowly over', () => {
    const clock = new ManualClock();
    const guard = new FloodGuard(LIMITS, clock);
    let outcome = send(guard);
    let sent = 1;
    // Three events a second against a limit of two.
    while (outcome !== 'cut off' && sent < 10_000) {
      clock.advance(334);
      outcome = send(guard);
      sent++;
    }
    expect(outcome).toBe('cut off');
    // (burst + allowance) / excess rate = 15 / 1 per second: about 45 events.
    expect(sent).toBeGreaterThan(30);
    expect(sent).toBeLessThan(60);
  });

  it('lets answers to its pings through free, and counts heartbeats nobody asked for', () => {
    const guard = new FloodGuard(LIMITS, new ManualClock());
    for (let i = 0; i < 1000; i++) {
      guard.pingSent();
      expect(guard.packetArrived('pong')).toBe(true);
    }
    const unasked = Array.from({ length: 16 }, () => guard.packetArrived('pong'));
    expect(unasked.filter((within) => !within)).toHaveLength(1);
  });
});
