import { describe, expect, it } from 'vitest';
import { ManualClock } from '@mayfly/protocol';
import { FloodGuard } from '../src/flood-guard.js';

const LIMITS = {
  rateLimitBurst: 5,
  rateLimitPerSecond: 2,
  rateLimitDisconnectAfter: 10,
  pingIntervalMs: 10_000,
};

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
    const clock = new ManualClock();
    const guard = new FloodGuard(LIMITS, clock);
    // A day of pongs, one per ping interval, late or early by up to a quarter of it.
    for (let ping = 0; ping < 8640; ping++) {
      clock.advance(ping % 2 === 0 ? 7500 : 12_500);
      expect(guard.packetArrived('pong')).toBe(true);
      // Events at the sustained rate meanwhile: the pongs cost them nothing.
      expect(send(guard)).toBe('allowed');
    }
    // Then a burst of pongs: the first answers the next ping, the rest count like any packet
    // (15 of them fit in the bucket).
    clock.advance(10_000);
    const unasked = Array.from({ length: 17 }, () => guard.packetArrived('pong'));
    expect(unasked.filter((within) => !within)).toHaveLength(1);
  });
});
