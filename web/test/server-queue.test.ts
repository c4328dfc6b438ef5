import { describe, expect, it } from 'vitest';
import { RETRY_MS, ServerQueue } from '../src/lib/session/server-queue';
import type { StartRefused } from '../src/lib/session/session-view';
import { FakeSignaling, ManualClock, flush } from './fakes';

const ANN = { nickname: 'Ann', relayOnly: false };

function setup() {
  const signaling = new FakeSignaling();
  const clock = new ManualClock();
  const refusals: StartRefused[] = [];
  const queue = new ServerQueue({ signaling, clock, onRefused: (r) => refusals.push(r) });
  const sent = (): string[] => signaling.sent.map((s) => s.event);
  /** The server greets us (again): a new connection. */
  const welcome = (): void => {
    signaling.status = 'online';
    queue.welcome();
  };
  return { queue, signaling, clock, refusals, sent, welcome };
}

describe('ServerQueue', () => {
  it('asks to start once the server has greeted us, with the request it was given', async () => {
    const t = setup();
    t.queue.start(ANN);
    await flush();
    expect(t.sent()).toEqual([]);
    t.welcome();
    await flush();
    expect(t.signaling.sent).toEqual([{ event: 'start', request: ANN }]);
  });

  it('waits as long as the server says when it asked too often, and asks again', async () => {
    const t = setup();
    t.welcome();
    t.signaling.acks.push({ ok: false, code: 'rate_limited', retryAfterMs: 30_000 });
    t.queue.start(ANN);
    await flush();
    await t.clock.advance(29_999);
    expect(t.sent()).toEqual(['start']);
    // A new greeting does not cut the wait short: the limit is the address's, not the socket's.
    t.welcome();
    await flush();
    expect(t.sent()).toEqual(['start']);
    await t.clock.advance(1);
    expect(t.sent()).toEqual(['start', 'start']);
    expect(t.refusals).toEqual([]);
  });

  it('asks again in a moment when the server names no time or briefly cannot match', async () => {
    const t = setup();
    t.welcome();
    t.signaling.acks.push(
      { ok: false, code: 'rate_limited' },
      { ok: false, code: 'matching_unavailable' },
    );
    t.queue.start(ANN);
    await flush();
    await t.clock.advance(RETRY_MS - 1);
    expect(t.sent()).toEqual(['start']);
    await t.clock.advance(1);
    expect(t.sent()).toEqual(['start', 'start']);
    await t.clock.advance(RETRY_MS);
    expect(t.sent()).toEqual(['start', 'start', 'start']);
  });

  it('retries a Next as a Next when it was only too early', async () => {
    const t = setup();
    t.welcome();
    t.queue.start(ANN);
    t.queue.matched();
    await flush();
    t.signaling.acks.push({ ok: false, code: 'rate_limited', retryAfterMs: 5_000 });
    t.queue.next();
    await flush();
    await t.clock.advance(5_000);
    expect(t.sent()).toEqual(['start', 'next', 'next']);
  });

  it('ends the search on a refusal for good, saying how long a ban lasts', async () => {
    const t = setup();
    t.welcome();
    t.signaling.acks.push({ ok: false, code: 'banned', retryAfterMs: 60_000 });
    t.queue.start(ANN);
    await flush();
    await t.clock.advance(120_000);
    expect(t.refusals).toEqual([{ kind: 'start-refused', code: 'banned', retryAfterMs: 60_000 }]);
    expect(t.sent()).toEqual(['start']);
    t.welcome();
    await flush();
    expect(t.sent()).toEqual(['start']);
  });

  it('waits for the next greeting when the server did not answer or is shutting down', async () => {
    const t = setup();
    t.welcome();
    t.signaling.acks.push({ ok: false, code: 'unreachable' });
    t.queue.start(ANN);
    t.signaling.status = 'offline'; // the connection dropped before the answer came
    await flush();
    await t.clock.advance(60_000);
    expect(t.sent()).toEqual(['start']);
    t.signaling.acks.push({ ok: false, code: 'shutting_down' });
    t.welcome();
    await flush();
    expect(t.sent()).toEqual(['start', 'start', 'start']); // still online: at once
  });

  it('sends one Start for a Start and a Next never sent, and one Next for two', async () => {
    const t = setup();
    t.queue.start(ANN);
    t.queue.next();
    t.welcome();
    await flush();
    expect(t.sent()).toEqual(['start']);

    t.queue.matched();
    t.signaling.acks.push({ ok: false, code: 'rate_limited', retryAfterMs: 1_000 });
    t.queue.next();
    t.queue.next();
    t.queue.next();
    await flush();
    await t.clock.advance(1_000);
    expect(t.sent()).toEqual(['start', 'next', 'next']);
  });

  it('recovers from a server that still has us queued or paired', async () => {
    const t = setup();
    t.welcome();
    t.signaling.acks.push({ ok: false, code: 'invalid_state' });
    t.queue.start(ANN);
    await flush();
    expect(t.sent()).toEqual(['start', 'stop', 'start']);

    t.queue.matched();
    t.signaling.acks.push({ ok: false, code: 'invalid_state' });
    t.queue.next();
    await flush();
    expect(t.sent()).toEqual(['start', 'stop', 'start', 'next', 'start']);
  });

  it('re-sends the request in full on Next when it changed', async () => {
    const t = setup();
    t.welcome();
    t.queue.start(ANN);
    t.queue.matched();
    t.queue.update({ ...ANN, relayOnly: true });
    t.queue.next();
    await flush();
    expect(t.signaling.sent.slice(1)).toEqual([
      { event: 'stop' },
      { event: 'start', request: { ...ANN, relayOnly: true } },
    ]);
  });

  it('tells the server on Stop only if it may have us, and not after a ban', async () => {
    const t = setup();
    t.welcome();
    t.queue.stop();
    expect(t.sent()).toEqual([]);
    t.queue.start(ANN);
    t.queue.stop();
    expect(t.sent()).toEqual(['start', 'stop']);
    t.queue.start(ANN);
    await flush();
    t.queue.cancel();
    t.queue.stop();
    expect(t.sent()).toEqual(['start', 'stop', 'start']);
  });

  it('asks nothing more once stopped or disposed, even when a retry was due', async () => {
    const t = setup();
    t.welcome();
    t.signaling.acks.push({ ok: false, code: 'matching_unavailable' });
    t.queue.start(ANN);
    await flush();
    t.queue.stop();
    await t.clock.advance(RETRY_MS);
    expect(t.sent()).toEqual(['start', 'stop']);

    const u = setup();
    u.welcome();
    u.signaling.acks.push({ ok: false, code: 'matching_unavailable' });
    u.queue.start(ANN);
    await flush();
    u.queue.dispose();
    await u.clock.advance(RETRY_MS);
    expect(u.sent()).toEqual(['start']);
  });
});
