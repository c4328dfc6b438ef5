/**
 * A raw Engine.IO/Socket.IO client over a real WebSocket, for sending what
 * no Socket.IO client would: it answers pings like a well-behaved client
 * unless told not to, and otherwise sends exactly the frames a test writes.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';

export interface RawClient {
  readonly ws: WebSocket;
  /** Every frame received, as text (binary frames as `<binary N>`). */
  readonly received: string[];
  /** Resolves with the close code once the connection is closed, by either side. */
  readonly closed: Promise<number>;
  /** Sends Socket.IO CONNECT for the main namespace and waits for the server's answer. */
  join(): Promise<void>;
  send(frame: string | Buffer): void;
}

export async function openRawClient(
  port: number,
  options: { answerPings?: boolean } = {},
): Promise<RawClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  const received: string[] = [];
  let onJoined: (() => void) | undefined;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const frame = isBinary ? `<binary ${data.length}>` : data.toString();
    received.push(frame);
    if (frame === '2' && options.answerPings !== false && ws.readyState === WebSocket.OPEN) {
      ws.send('3');
    }
    if (frame.startsWith('40{')) onJoined?.();
  });
  // An error (the server reset the connection) is a close as far as tests are concerned.
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    received,
    closed,
    join() {
      return new Promise((resolve) => {
        onJoined = resolve;
        ws.send('40');
      });
    },
    send(frame) {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
  };
}

/**
 * A WebSocket handshake by hand on a TCP socket, for clients that write
 * frames the `ws` client would not, or never read what the server sends.
 * Resolves once the server answered 101.
 */
export function openTcpWebSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
    });
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString('latin1').startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error('no upgrade'));
    });
    socket.on('error', () => undefined);
  });
}

/** A masked client frame (RFC 6455 5.2): FIN, opcode, 64-bit length, payload. */
export function clientFrame(
  payload: string | Buffer,
  opcode = 0x1,
  announcedLength?: bigint,
): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(announcedLength ?? BigInt(body.length), 2);
  const mask = randomBytes(4);
  mask.copy(header, 10);
  const masked = Buffer.from(body.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([header, masked]);
}

/** The metadata records written so far, parsed (the log is written as it goes). */
export function readRecords(logDir: string): Record<string, unknown>[] {
  return readdirSync(logDir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(path.join(logDir, name), 'utf8').trim().split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
