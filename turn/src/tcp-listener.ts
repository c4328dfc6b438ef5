/**
 * TURN over TCP (RFC 8656 section 7.2), on the same port number as UDP, for
 * networks that let no UDP through. The relayed transport stays UDP: only
 * the client's leg is TCP. An allocation lives on its connection and ends
 * with it.
 *
 * Strangers' connections are bounded in every dimension: how many in all
 * and per address, how long one may stay open without an allocation, how
 * large one frame may be (so at most one frame is buffered), and how much
 * may wait to be sent to a client that does not read (relayed data beyond
 * it is dropped, as UDP would drop it, and its requests are no longer read).
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { ClientLink, FrameKind } from './client-link.js';
import { canonicalIp } from './ip-address.js';
import { StreamDeframer } from './stun-stream.js';
import type { TransportAddress } from './stun.js';
import { errorCode } from './turn-log.js';
import type { TcpCloseReason, TurnLog } from './turn-log.js';
import type { FrameReceiver } from './udp-listener.js';

export interface TcpLimits {
  /** Connections at once; more are closed as they come. */
  readonly maxConnections: number;
  /** Connections at once from one IP address. */
  readonly maxConnectionsPerAddress: number;
  /** A connection without an allocation is closed after this long. */
  readonly allocateTimeoutMs: number;
  /** Largest STUN message or ChannelData frame accepted; a larger one closes the connection. */
  readonly maxFrameBytes: number;
  /** Bytes queued toward a client beyond which relayed data is dropped and reading pauses. */
  readonly sendBufferBytes: number;
}

/** Errors that only say the client went away: the connection ends as if closed. */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

class TcpLink implements ClientLink {
  readonly transport = 'tcp';
  readonly padsChannelData = true;
  private deadline: NodeJS.Timeout | undefined;
  private paused = false;

  constructor(
    private readonly socket: Socket,
    readonly key: string,
    readonly remote: TransportAddress,
    private readonly limits: TcpLimits,
    private readonly close: (reason: TcpCloseReason) => void,
  ) {
    socket.on('drain', () => {
      if (this.paused) {
        this.paused = false;
        socket.resume();
      }
    });
    this.allocationChanged(false);
  }

  get isOpen(): boolean {
    return !this.socket.destroyed;
  }

  send(frame: Buffer, kind: FrameKind): void {
    if (this.socket.destroyed) return;
    if (kind === 'data' && this.socket.writableLength >= this.limits.sendBufferBytes) return;
    this.socket.write(frame);
    if (!this.paused && this.socket.writableLength >= this.limits.sendBufferBytes) {
      this.paused = true;
      this.socket.pause();
    }
  }

  allocationChanged(active: boolean): void {
    clearTimeout(this.deadline);
    this.deadline = active
      ? undefined
      : setTimeout(() => this.close('no-allocation'), this.limits.allocateTimeoutMs).unref();
  }

  stopTimers(): void {
    clearTimeout(this.deadline);
  }
}

export class TcpListener {
  private readonly connections = new Set<Socket>();
  private readonly perAddress = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `address` and `port`; rejects with the listen error (EADDRINUSE...). */
  static open(address: string, port: number): Promise<TcpListener> {
    const server = createServer({ noDelay: true });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(
        { host: address, port, exclusive: true, ipv6Only: address.includes(':') },
        () => {
          server.off('error', reject);
          const bound = server.address();
          resolve(
            new TcpListener(
              server,
              typeof bound === 'object' && bound !== null ? bound.port : port,
            ),
          );
        },
      );
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Starts accepting connections and handing their frames to `receiver`. */
  serve(receiver: FrameReceiver, limits: TcpLimits, log: TurnLog): void {
    this.server.on('error', (error) => {
      log({ type: 'error', where: 'tcp-listener', code: errorCode(error) });
    });
    this.server.on('connection', (socket) => this.accept(socket, receiver, limits, log));
  }

  private accept(socket: Socket, receiver: FrameReceiver, limits: TcpLimits, log: TurnLog): void {
    const remoteAddress = canonicalIp(socket.remoteAddress ?? '');
    const remotePort = socket.remotePort;
    if (remoteAddress === undefined || remotePort === undefined) {
      socket.destroy();
      return;
    }
    const fromAddress = this.perAddress.get(remoteAddress) ?? 0;
    if (this.connections.size >= limits.maxConnections) {
      log({ type: 'tcp-refused', reason: 'connection-limit' });
      socket.destroy();
      return;
    }
    if (fromAddress >= limits.maxConnectionsPerAddress) {
      log({ type: 'tcp-refused', reason: 'address-limit' });
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    this.perAddress.set(remoteAddress, fromAddress + 1);
    const key = `tcp ${socket.localAddress ?? ''} ${socket.localPort ?? 0} ${remoteAddress} ${remotePort}`;
    const deframer = new StreamDeframer(limits.maxFrameBytes);
    const closeFor = (reason: TcpCloseReason): void => {
      if (socket.destroyed) return;
      log({ type: 'tcp-closed', reason });
      socket.destroy();
    };
    const link = new TcpLink(
      socket,
      key,
      { address: remoteAddress, port: remotePort },
      limits,
      closeFor,
    );
    socket.on('data', (chunk: Buffer) => {
      const problem = deframer.push(chunk, (frame) => {
        if (!socket.destroyed) receiver.receive(link, frame);
      });
      if (problem !== undefined) closeFor(problem);
    });
    socket.on('error', (error) => {
      // The client going away ends the connection like a close does; nothing of ours failed.
      if (!CLIENT_GONE.has(errorCode(error))) {
        log({ type: 'error', where: 'tcp-connection', code: errorCode(error) });
      }
    });
    socket.once('close', () => {
      link.stopTimers();
      this.connections.delete(socket);
      const left = (this.perAddress.get(remoteAddress) ?? 1) - 1;
      if (left > 0) this.perAddress.set(remoteAddress, left);
      else this.perAddress.delete(remoteAddress);
      receiver.linkClosed(link);
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
  }
}
