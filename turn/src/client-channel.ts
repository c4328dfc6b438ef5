/**
 * How the TURN client (stun-client.ts) reaches the server: datagrams from
 * one UDP socket, or frames on one TCP connection (RFC 8656 section 7.2).
 */
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { connect, isIP } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { StreamDeframer } from './stun-stream.js';
import type { TransportAddress } from './stun.js';

export interface ClientChannelOptions {
  readonly server: TransportAddress;
  /** Local address to bind. @default '0.0.0.0' (or '::' for an IPv6 server) */
  readonly localAddress?: string;
  /** TURN over UDP, or over one TCP connection (RFC 8656 section 7.2; no retransmissions). @default 'udp' */
  readonly transport?: 'udp' | 'tcp';
}

export interface ClientChannel {
  /** Whether the transport retransmits itself (TCP), so that STUN must not. */
  readonly reliable: boolean;
  readonly localPort: number;
  /** Resolves when the server closes the connection (TCP only). */
  readonly closed: Promise<void>;
  /** Each datagram, or each frame cut from the stream. */
  onFrame: (frame: Buffer) => void;
  onError: (error: Error) => void;
  send(bytes: Buffer): void;
  close(): Promise<void>;
}

export function openClientChannel(options: ClientChannelOptions): Promise<ClientChannel> {
  return options.transport === 'tcp' ? TcpChannel.open(options) : UdpChannel.open(options);
}

class UdpChannel implements ClientChannel {
  readonly reliable = false;
  readonly closed = new Promise<void>(() => undefined);
  onFrame: (frame: Buffer) => void = () => undefined;
  onError: (error: Error) => void = () => undefined;

  private constructor(
    private readonly socket: UdpSocket,
    private readonly server: TransportAddress,
  ) {
    socket.on('message', (datagram) => this.onFrame(datagram));
    socket.on('error', (error) => this.onError(error));
  }

  static async open(options: ClientChannelOptions): Promise<UdpChannel> {
    const ipv6 = isIP(options.server.address) === 6;
    const socket = createSocket(ipv6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (error) => {
        socket.close();
        reject(error);
      });
      socket.bind({ address: options.localAddress ?? (ipv6 ? '::' : '0.0.0.0'), port: 0 }, () => {
        socket.removeAllListeners('error');
        resolve();
      });
    });
    return new UdpChannel(socket, options.server);
  }

  get localPort(): number {
    return this.socket.address().port;
  }

  send(bytes: Buffer): void {
    this.socket.send(bytes, this.server.port, this.server.address);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** The frames a TCP client accepts: the server's largest, with room to spare. */
const MAX_CLIENT_FRAME_BYTES = 65_536 + 24;

class TcpChannel implements ClientChannel {
  readonly reliable = true;
  readonly closed: Promise<void>;
  onFrame: (frame: Buffer) => void = () => undefined;
  onError: (error: Error) => void = () => undefined;

  private constructor(private readonly socket: TcpSocket) {
    const deframer = new StreamDeframer(MAX_CLIENT_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      const problem = deframer.push(chunk, (frame) => this.onFrame(Buffer.from(frame)));
      if (problem !== undefined) socket.destroy(new Error(`server sent ${problem} bytes`));
    });
    socket.on('error', (error) => this.onError(error));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(options: ClientChannelOptions): Promise<TcpChannel> {
    const socket = connect({
      host: options.server.address,
      port: options.server.port,
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      noDelay: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new TcpChannel(socket);
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  send(bytes: Buffer): void {
    if (this.socket.destroyed) throw new Error('connection closed');
    this.socket.write(bytes);
  }

  close(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    const closed = this.closed;
    this.socket.end();
    this.socket.destroySoon();
    return closed;
  }
}
