/**
 * TURN over TCP (RFC 8656 section 7.2) on the embedded server's port, and
 * what it does with connections that misbehave. Loopback only.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StunClass, StunMethod, decodeStunMessage, encodeStunMessage } from '../src/stun.js';
import type { DecodedStunMessage } from '../src/stun.js';
import { StreamDeframer } from '../src/stun-stream.js';
import { LOOPBACK, onCleanup, startEchoPeer, startTestTurn } from './helpers.js';
import type { TestTurn } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

interface RawConnection {
  readonly socket: Socket;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;
  /** The next STUN message from the server. */
  next(): Promise<DecodedStunMessage>;
}

async function rawConnection({ server }: TestTurn): Promise<RawConnection> {
  const socket = connect({ host: server.address, port: server.port, noDelay: true });
  onCleanup(async () => {
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const inbox: DecodedStunMessage[] = [];
  const waiting: ((message: DecodedStunMessage) => void)[] = [];
  const deframer = new StreamDeframer(65_600);
  socket.on('data', (chunk: Buffer) => {
    deframer.push(chunk, (frame) => {
      const message = decodeStunMessage(Buffer.from(frame));
      if (message === undefined) return;
      const waiter = waiting.shift();
      if (waiter === undefined) inbox.push(message);
      else waiter(message);
    });
  });
  // A reset by the server is a way of closing too.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    closed,
    next: () => {
      const message = inbox.shift();
      return message === undefined
        ? new Promise((resolve) => waiting.push(resolve))
        : Promise.resolve(message);
    },
  };
}

function bindingRequest(): Buffer {
  return encodeStunMessage({
    method: StunMethod.Binding,
    class: StunClass.Request,
    transactionId: randomBytes(12),
    attributes: [],
  });
}

describe('TURN over TCP', () => {
  it('relays Send and Data indications, and ChannelData padded to four bytes both ways', async () => {
    const { client, turn } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client(undefined, { transport: 'tcp' });
    await alice.allocate();
    await alice.createPermission(LOOPBACK);

    alice.sendIndication(echo.address, Buffer.from('by indication'));
    expect(await alice.nextData()).toEqual({
      peer: echo.address,
      data: Buffer.from('by indication'),
      via: 'data-indication',
    });
    await alice.channelBind(0x4000, echo.address);
    // Five bytes: three bytes of padding follow on the stream, in each direction.
    alice.sendChannelData(0x4000, Buffer.from('odd!!'));
    alice.sendChannelData(0x4000, Buffer.from('next'));

    expect(await alice.nextData()).toEqual({
      peer: echo.address,
      data: Buffer.from('odd!!'),
      via: 'channel-data',
    });
    expect((await alice.nextData()).data.toString()).toBe('next');
    expect(echo.received.map(({ data }) => data.toString())).toEqual([
      'by indication',
      'odd!!',
      'next',
    ]);
    expect(turn.allocationCount()).toBe(1);
  });

  it('ends the allocation when its connection closes', async () => {
    const { client, turn, nextEvent } = await startTestTurn();
    const alice = await client(undefined, { transport: 'tcp' });
    await alice.allocate();
    const closed = nextEvent('allocation-closed');

    await alice.close();

    expect(await closed).toEqual({
      type: 'allocation-closed',
      reason: 'connection-closed',
      allocations: 0,
    });
    expect(turn.allocationCount()).toBe(0);
  });

  it('reads a request that arrives a byte at a time', async () => {
    const testTurn = await startTestTurn();
    const raw = await rawConnection(testTurn);
    const request = bindingRequest();

    for (const byte of request) {
      raw.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect((await raw.next()).transactionId).toEqual(request.subarray(8, 20));
  });
});

describe('TCP connections that misbehave', () => {
  it('closes a connection whose bytes start no STUN message or ChannelData', async () => {
    const testTurn = await startTestTurn();
    const raw = await rawConnection(testTurn);

    raw.socket.write('\u00ff\u00ff garbage');
    await raw.closed;

    expect(testTurn.events).toContainEqual({ type: 'tcp-closed', reason: 'unframed' });
  });

  it('closes a connection announcing a frame larger than it accepts, without waiting for it', async () => {
    const testTurn = await startTestTurn();
    const raw = await rawConnection(testTurn);

    raw.socket.write(Buffer.from('4000ffff', 'hex'));
    await raw.closed;

    expect(testTurn.events).toContainEqual({ type: 'tcp-closed', reason: 'frame-too-large' });
  });

  it('closes a connection that has made no allocation in time, and keeps one that has', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const testTurn = await startTestTurn({ tcpAllocateTimeoutSeconds: 30 });
    const idle = await rawConnection(testTurn);
    const alice = await testTurn.client(undefined, { transport: 'tcp' });
    // Answered: the server has accepted the idle connection and armed its timer.
    idle.socket.write(bindingRequest());
    await idle.next();
    await alice.allocate();

    vi.advanceTimersByTime(30_000);
    await idle.closed;

    expect(testTurn.events).toContainEqual({ type: 'tcp-closed', reason: 'no-allocation' });
    vi.useRealTimers();
    await expect(alice.refresh()).resolves.toBe(600);
  });

  it('refuses connections past the limit per address and past the total', async () => {
    const perAddress = await startTestTurn({ maxTcpConnectionsPerAddress: 2 });
    const kept = [await rawConnection(perAddress), await rawConnection(perAddress)];
    const refused = await rawConnection(perAddress);

    await refused.closed;
    for (const connection of kept) connection.socket.write(bindingRequest());
    await Promise.all(kept.map((connection) => connection.next()));
    expect(perAddress.events).toContainEqual({ type: 'tcp-refused', reason: 'address-limit' });

    const total = await startTestTurn({ maxTcpConnections: 1 });
    await rawConnection(total);
    await (
      await rawConnection(total)
    ).closed;
    expect(total.events).toContainEqual({ type: 'tcp-refused', reason: 'connection-limit' });
  });

  it('answers a malformed request on a connection with 400 and keeps the connection', async () => {
    const testTurn = await startTestTurn();
    const raw = await rawConnection(testTurn);
    const malformed = encodeStunMessage({
      method: StunMethod.Allocate,
      class: StunClass.Request,
      transactionId: randomBytes(12),
      attributes: [{ type: 0x0019, value: Buffer.from([17, 0, 0, 0]) }],
    });
    malformed.writeUInt16BE(0x40, 22);

    raw.socket.write(Buffer.concat([malformed, bindingRequest()]));

    expect((await raw.next()).class).toBe(StunClass.ErrorResponse);
    expect((await raw.next()).class).toBe(StunClass.SuccessResponse);
  });
});
