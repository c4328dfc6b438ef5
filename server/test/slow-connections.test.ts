import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import type { Signal } from '@mayfly/protocol';
import { type Client, connectPair, nextEvent, startServer, type TestServer } from './helpers.js';
import { openRawClient, type RawClient } from './raw-client.js';

// Small bounds, so that a test waits a fraction of a second, not Node's minutes.
const BOUNDS = { HANDSHAKE_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '600' };
// How long a test waits for a close before calling it a failure: far below Node's defaults
// (60 s for headers, 300 s for a request, 45 s for a Socket.IO join).
const DEADLINE_MS = 3000;

let server: TestServer | undefined;
const sockets: net.Socket[] = [];
const clients: Client[] = [];
const rawClients: RawClient[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const client of clients.splice(0)) client.disconnect();
  for (const raw of rawClients.splice(0)) raw.ws.terminate();
  await server?.close();
  server = undefined;
});

interface Closed {
  /** What the server wrote before closing, as text. */
  reply: string;
  elapsedMs: number;
}

/**
 * Opens a raw TCP connection, lets `behave` write to it (or not), and
 * resolves once the server closes it; rejects after DEADLINE_MS.
 */
function openTcp(port: number, behave: (socket: net.Socket) => void): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1', () => behave(socket));
    sockets.push(socket);
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ reply, elapsedMs: performance.now() - started }));
    setTimeout(() => reject(new Error('the server kept the connection open')), DEADLINE_MS);
  });
}

/** Writes `lines` one every `everyMs`, for as long as the socket is open. */
function trickle(socket: net.Socket, lines: string[], everyMs: number): void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) clearInterval(timer);
    else socket.write(lines[next++ % lines.length] ?? '');
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('slow and half-open connections', () => {
  it('closes a TCP connection that never sends a request', async () => {
    const target = (server = await startServer(BOUNDS));
    const closed = await openTcp(target.port, () => undefined);
    expect(closed.reply).toMatch(/^HTTP\/1\.1 408 /u);
  });

  it('closes a request whose headers arrive too slowly (slowloris)', async () => {
    const target = (server = await startServer(BOUNDS));
    const closed = await openTcp(target.port, (socket) => {
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      trickle(socket, ['X-Padding: a\r\n'], 50);
    });
    expect(closed.reply).toMatch(/^HTTP\/1\.1 408 /u);
  });

  it('closes a WebSocket upgrade whose headers never complete', async () => {
    const target = (server = await startServer(BOUNDS));
    const closed = await openTcp(target.port, (socket) => {
      socket.write(
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n',
      );
    });
    expect(closed.reply).toMatch(/^HTTP\/1\.1 408 /u);
  });

  it('closes a request whose body never completes', async () => {
    const target = (server = await startServer(BOUNDS));
    const closed = await openTcp(target.port, (socket) => {
      socket.write(
        'POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          'Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\nx',
      );
      trickle(socket, ['x'], 50);
    });
    // Answered at once (there is no such route), then closed by the request bound,
    // which is longer than the headers bound.
    expect(closed.reply).toMatch(/^HTTP\/1\.1 404 /u);
    expect(closed.elapsedMs).toBeGreaterThan(Number(BOUNDS.HANDSHAKE_TIMEOUT_MS));
  });

  it('closes a WebSocket that answers pings but never joins Socket.IO', async () => {
    const target = (server = await startServer(BOUNDS));
    const idle = await openRawClient(target.port);
    rawClients.push(idle);
    const code = await Promise.race([
      idle.closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('still open')), DEADLINE_MS)),
    ]);
    expect(code).toBeTypeOf('number');
    expect(idle.received.some((frame) => frame.startsWith('0{'))).toBe(true);
  });

  it('keeps WebSocket and long-polling clients that joined well past the bounds', async () => {
    // A poll is held until the next ping, longer than the request bound.
    const target = (server = await startServer({
      ...BOUNDS,
      PING_INTERVAL_MS: '1000',
      PING_TIMEOUT_MS: '2000',
    }));
    const [a, b] = await connectPair(target);
    clients.push(a, b);
    const polling = connect(target.url, {
      transports: ['polling'],
      forceNew: true,
      reconnection: false,
    });
    clients.push(polling);
    await nextEvent(polling, 'welcome');
    const lost: string[] = [];
    for (const client of [a, b, polling]) client.on('disconnect', (reason) => lost.push(reason));

    // A few ping intervals, each several times the request bound.
    await new Promise((resolve) => setTimeout(resolve, 2500));

    expect(lost).toEqual([]);
    const offer: Signal = { type: 'offer', sdp: 'v=0\r\n' };
    const relayed = nextEvent(b, 'signal');
    expect(await a.emitWithAck('signal', offer)).toEqual({ ok: true });
    expect(await relayed).toEqual(offer);
    expect(await polling.emitWithAck('stop')).toEqual({ ok: true });
  });
});
