import { io as connect } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { Signal } from '@mayfly/protocol';
import { type Client, nextEvent } from './helpers.js';
import { useHostileFixture } from './hostile-fixture.js';
import { clientFrame, readRecords } from './raw-client.js';

const CANDIDATE: Signal = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
};

const { serve, client, pair, raw, tcpWebSocket, expectStillRelaying } = useHostileFixture();

/** Round trips a → b → a through the relay; resolves once all came back. */
async function relayRoundTrips(a: Client, b: Client, count: number): Promise<number> {
  const bounce = (signal: Signal) => b.emit('signal', signal);
  b.on('signal', bounce);
  let completed = 0;
  for (let i = 0; i < count; i++) {
    const back = nextEvent(a, 'signal');
    expect(await a.emitWithAck('signal', CANDIDATE)).toEqual({ ok: true });
    expect(await back).toEqual(CANDIDATE);
    completed++;
  }
  b.off('signal', bounce);
  return completed;
}

describe('flood cut-off', () => {
  it('disconnects a client that keeps sending past its rate limit; a healthy pair keeps relaying meanwhile', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const flooder = await client(target);
    const disconnected = new Promise<string>((resolve) => flooder.once('disconnect', resolve));

    // 20,000 events as fast as the client can write them; it answers pings all along.
    let sent = 0;
    const flood = (async () => {
      while (sent < 20_000 && flooder.connected) {
        for (let i = 0; i < 500; i++) flooder.emit('signal', CANDIDATE);
        sent += 500;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const relayed = relayRoundTrips(a, b, 20);

    expect(await disconnected).toBe('io server disconnect');
    await flood;
    expect(await relayed).toBe(20);
    expect(a.connected && b.connected).toBe(true);

    // One line says why, naming the client by its pseudonym and nothing else.
    await expect
      .poll(() => readRecords(target.logDir).filter((record) => record.event === 'cut_off'))
      .toEqual([
        { time: expect.any(String), event: 'cut_off', client: expect.any(String), reason: 'flood' },
      ]);
  });

  it('lets a client that stays within its rate limit keep its connection', async () => {
    const target = await serve({ RATE_LIMIT_BURST: '5', RATE_LIMIT_PER_SECOND: '1' });
    const [a, b] = await pair(target);
    // Bursts that are dropped in part, but not the flood the cut-off is for.
    for (let burst = 0; burst < 3; burst++) {
      const acks = await Promise.all(
        Array.from({ length: 20 }, () => a.emitWithAck('signal', CANDIDATE)),
      );
      expect(acks.some((ack) => !ack.ok && ack.code === 'rate_limited')).toBe(true);
    }
    expect(a.connected && b.connected).toBe(true);
    expect(readRecords(target.logDir).filter((record) => record.event === 'cut_off')).toEqual([]);
  });

  it('counts neither answers to pings nor the upgrade from long-polling against a client', async () => {
    // A budget of three packets, one more a second: the join and one event fit, little else.
    const target = await serve({
      RATE_LIMIT_BURST: '2',
      RATE_LIMIT_PER_SECOND: '1',
      RATE_LIMIT_DISCONNECT_AFTER: '1',
      PING_INTERVAL_MS: '100',
    });
    const upgrading = connect(target.url, { forceNew: true, reconnection: false });
    const upgraded = new Promise<void>((resolve) =>
      upgrading.io.engine.once('upgrade', () => resolve()),
    );
    const lost: string[] = [];
    upgrading.on('disconnect', (reason) => lost.push(reason));
    await nextEvent(upgrading, 'welcome');
    await upgraded;
    // Ten pings and pongs later, the client is still there and may still send.
    const pongs: unknown[] = [];
    upgrading.io.engine.on('ping', () => pongs.push(null));
    await expect.poll(() => pongs.length, { timeout: 5000 }).toBeGreaterThanOrEqual(10);
    expect(await upgrading.emitWithAck('stop')).toEqual({ ok: true });
    expect(lost).toEqual([]);
    upgrading.disconnect();
  });

  it.each([
    ['heartbeats nobody asked for', '3'],
    ['acknowledgements nobody asked for', '430[]'],
    ['connects to a namespace that does not exist', '40/admin,'],
  ])(
    'disconnects a connection flooding with %s, which reach no event handler',
    async (_, frame) => {
      const target = await serve();
      const [a, b] = await pair(target);
      const attacker = await raw(target);
      for (let i = 0; i < 5000 && attacker.ws.readyState === attacker.ws.OPEN; i++) {
        attacker.send(frame);
      }
      await attacker.closed;
      await expectStillRelaying(a, b);
    },
  );

  it('drops the TCP connection of a flooder that never reads, without waiting for its close frame', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    // A client that writes and never reads: it never answers the WebSocket close either,
    // so a graceful close would keep reading its flood until ws gives up (30 s).
    const socket = await tcpWebSocket(target);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let open = true;
    void closed.then(() => (open = false));
    const join = clientFrame('40');
    const event = clientFrame(`42${JSON.stringify(['signal', CANDIDATE])}`);
    socket.write(join);
    for (let i = 0; i < 20_000 && open; i++) {
      if (!socket.write(event)) {
        await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
      }
    }
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('still open')), 5000)),
    ]);
    await expectStillRelaying(a, b);
  });
});

describe('one session per connection', () => {
  it('opens one session for a burst of connects on one connection, then closes it', async () => {
    const target = await serve();
    const attacker = await raw(target, { join: false });
    for (let i = 0; i < 2000; i++) attacker.send('40');
    await attacker.closed;
    expect(attacker.received.filter((frame) => frame.startsWith('40{')).length).toBeLessThanOrEqual(
      1,
    );
    await expect
      .poll(() => readRecords(target.logDir).map((record) => record.event))
      .toContain('cut_off');
    const connects = readRecords(target.logDir).filter((record) => record.event === 'connect');
    expect(connects.length).toBeLessThanOrEqual(1);
    expect(await target.app.signaling.matching.counts()).toEqual({
      connected: 0,
      waiting: 0,
      paired: 0,
      bans: 0,
    });
  });

  it('closes a connection that leaves its session and connects again on it', async () => {
    const target = await serve();
    const attacker = await raw(target);
    attacker.send('41');
    // The session is gone once the server has removed the stranger.
    await expect.poll(async () => (await target.app.signaling.matching.counts()).connected).toBe(0);
    attacker.send('40');
    await attacker.closed;
    expect(attacker.received.filter((frame) => frame.startsWith('40{'))).toHaveLength(1);
  });
});
