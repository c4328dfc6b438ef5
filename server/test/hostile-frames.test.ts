/**
 * Raw Engine.IO and Socket.IO frames over a real WebSocket, of the kinds no
 * Socket.IO client sends: the offending connection is closed (or answered
 * with an error code), the server stays up, other pairs keep relaying and
 * memory stays bounded.
 */
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { useHostileFixture } from './hostile-fixture.js';
import { clientFrame, readRecords, type RawClient } from './raw-client.js';

const { serve, pair, raw, tcpWebSocket, expectStillRelaying } = useHostileFixture();

/** Waits until the client's send buffer is nearly empty, so that a flood goes at the server's pace. */
async function drained(raw: RawClient): Promise<void> {
  while (raw.ws.bufferedAmount > 256 * 1024 && raw.ws.readyState === raw.ws.OPEN) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A binary event announcing `count` attachments, each referred to by a placeholder. */
function binaryEventHeader(count: number): string {
  const placeholders = Array.from({ length: count }, (_, num) => ({ _placeholder: true, num }));
  return `45${count}-${JSON.stringify(['signal', placeholders])}`;
}

describe('malformed packets', () => {
  it.each([
    ['not an Engine.IO packet', 'x'],
    ['an empty frame', ''],
    ['an unknown Engine.IO type', '9'],
    ['a ping from the client (wrong direction)', '2'],
    ['an unknown Socket.IO type', '49'],
    ['a truncated event', '42['],
    ['an event that is not an array', '42{}'],
    ['an event without a name', '42[null]'],
    ['a reserved event name', '42["disconnecting"]'],
    ['a CONNECT_ERROR from the client', '44{}'],
    ['an event for a namespace it never joined', '42/admin,["signal",{}]'],
    ['a binary packet with no attachment count', '45-["signal"]'],
    ['a binary frame nobody announced', Buffer.from([1, 2, 3])],
    ["more binary attachments than socket.io-parser's bound of 10", '4511-["signal"]'],
    ['a trillion binary attachments', '451000000000000-["signal"]'],
  ])('closes a connection that sends %s; others keep relaying', async (_, frame) => {
    const target = await serve();
    const [a, b] = await pair(target);
    const attacker = await raw(target);
    attacker.send(frame);
    await attacker.closed;
    await expectStillRelaying(a, b);
  });

  it('writes one cut_off record, with no payload, for a packet that cannot be decoded', async () => {
    const target = await serve();
    const attacker = await raw(target);
    attacker.send('42["signal",{"type":"offer","sdp":"SECRET-SDP"');
    await attacker.closed;
    await expect
      .poll(() => readRecords(target.logDir).filter((record) => record.event === 'cut_off'))
      .toEqual([
        {
          time: expect.any(String),
          event: 'cut_off',
          client: expect.any(String),
          reason: 'malformed',
        },
      ]);
    expect(JSON.stringify(readRecords(target.logDir))).not.toContain('SECRET-SDP');
  });

  it.each([
    ['a number as event name', 'unknown_event', '42[1]'],
    ['an event named __proto__', 'unknown_event', '42["__proto__",{}]'],
    [
      'a payload with a __proto__ key',
      'invalid_payload',
      '42["signal",{"__proto__":{"polluted":true}}]',
    ],
    [
      'a payload nested 30,000 deep',
      'invalid_payload',
      `42["signal",${'['.repeat(30_000)}${']'.repeat(30_000)}]`,
    ],
    ['an event name of 30,000 characters', 'unknown_event', `42["${'e'.repeat(30_000)}"]`],
  ])('answers %s with %s and keeps the connection', async (_, code, frame) => {
    const target = await serve();
    const attacker = await raw(target);
    const before = attacker.received.length;
    attacker.send(frame);
    await expect.poll(() => attacker.received.slice(before)).toHaveLength(1);
    expect(JSON.parse(attacker.received[before]?.slice(2) ?? '')).toEqual([
      'protocolError',
      expect.objectContaining({ code }),
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(attacker.ws.readyState).toBe(attacker.ws.OPEN);
  });
});

describe('binary attachments', () => {
  it('answers a binary event within the bound with invalid_payload: the protocol has none', async () => {
    const target = await serve();
    const attacker = await raw(target);
    const before = attacker.received.length;
    attacker.send('451-["signal",{"_placeholder":true,"num":0}]');
    attacker.send(Buffer.from('binary'));
    await expect.poll(() => attacker.received.slice(before)).toHaveLength(1);
    expect(attacker.received[before]).toContain('invalid_payload');
  });

  it('cuts off a connection flooding with binary events; others keep relaying', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const attacker = await raw(target);
    const attachment = randomBytes(60 * 1024);
    let events = 0;
    while (events < 200 && attacker.ws.readyState === attacker.ws.OPEN) {
      attacker.send(binaryEventHeader(10));
      for (let i = 0; i < 10; i++) attacker.send(attachment);
      events++;
      await drained(attacker);
    }
    await attacker.closed;
    // Cut off after RATE_LIMIT_BURST + RATE_LIMIT_DISCONNECT_AFTER packets: about 13 events.
    expect(events).toBeLessThan(200);
    await expectStillRelaying(a, b);
  });
});

describe('oversized frames', () => {
  it('closes a connection whose frame is larger than MAX_MESSAGE_BYTES, with 1009', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const attacker = await raw(target);
    attacker.send(`42["signal",{"type":"offer","sdp":"${'a'.repeat(200 * 1024)}"}]`);
    expect(await attacker.closed).toBe(1009);
    await expectStillRelaying(a, b);
  });

  it('closes a connection at a frame header announcing a terabyte, without waiting for it', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const socket = await tcpWebSocket(target);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(clientFrame('', 0x1, 2n ** 40n));
    await closed;
    await expectStillRelaying(a, b);
  });

  it('closes a connection whose fragmented message adds up past MAX_MESSAGE_BYTES', async () => {
    const target = await serve();
    const [a, b] = await pair(target);
    const attacker = await raw(target);
    const fragment = Buffer.alloc(16 * 1024, 'a');
    attacker.ws.send(Buffer.from('42["x","'), { fin: false, binary: false });
    for (let i = 0; i < 10 && attacker.ws.readyState === attacker.ws.OPEN; i++) {
      attacker.ws.send(fragment, { fin: false, binary: false });
    }
    expect(await attacker.closed).toBe(1009);
    await expectStillRelaying(a, b);
  });
});

describe('memory under hostile input', () => {
  // gc() is not exposed to tests by default; V8 lets a running process turn it on.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  /** The JavaScript heap and the buffers outside it (frames live there), after a full GC. */
  const heapAfterGc = (): number => {
    gc();
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };

  it('holds no memory for closed attackers, and a bounded amount for open ones', async () => {
    const target = await serve({ MAX_CONNECTIONS_PER_ADDRESS: '100' });
    const [a, b] = await pair(target);
    const attachment = randomBytes(60 * 1024);
    const before = heapAfterGc();

    // Attackers in waves: each leaves a binary event one attachment short (held by the
    // parser until the connection closes), then sends an oversized frame, which closes it.
    let sentBytes = 0;
    let heldAtMost = 0;
    for (let wave = 0; wave < 4; wave++) {
      const attackers = await Promise.all(Array.from({ length: 10 }, () => raw(target)));
      for (const attacker of attackers) {
        attacker.send(binaryEventHeader(10));
        for (let i = 0; i < 9; i++) attacker.send(attachment);
        sentBytes += 9 * attachment.length;
      }
      await expectStillRelaying(a, b);
      heldAtMost = Math.max(heldAtMost, heapAfterGc() - before);
      for (const attacker of attackers) {
        attacker.send(Buffer.alloc(200 * 1024));
        sentBytes += 200 * 1024;
      }
      await Promise.all(attackers.map((attacker) => attacker.closed));
    }
    await expectStillRelaying(a, b);
    const grown = heapAfterGc() - before;

    // 40 attackers sent about 30 MB; what the server keeps afterwards is noise.
    expect(sentBytes).toBeGreaterThan(25 * 1024 * 1024);
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    // Ten open attackers hold at most ten attachments of MAX_MESSAGE_BYTES each.
    expect(heldAtMost).toBeLessThan(10 * 10 * 64 * 1024 + 8 * 1024 * 1024);
    expect(await target.app.signaling.matching.counts()).toEqual({
      connected: 2,
      waiting: 0,
      paired: 2,
      bans: 0,
    });
  }, 30_000);
});
