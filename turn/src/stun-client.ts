/**
 * A minimal TURN client over UDP or TCP: Allocate with long-term credentials
 * (401 -> REALM/NONCE -> MESSAGE-INTEGRITY), Refresh, CreatePermission,
 * ChannelBind, Send indications and ChannelData. Used by checkTurnServer and
 * as the test client for the embedded server.
 *
 * Like Chrome, it refuses a success response to an authenticated request
 * unless that response carries a valid MESSAGE-INTEGRITY.
 */
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { connect, isIP } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { StreamDeframer } from './stun-stream.js';
import {
  StunAttribute,
  StunClass,
  StunMethod,
  TRANSPORT_UDP,
  checkMessageIntegrity,
  decodeChannelData,
  decodeErrorCode,
  decodeStunMessage,
  decodeXorAddress,
  encodeChannelData,
  encodeChannelNumber,
  encodePeerDataIndication,
  encodeRequestedTransport,
  encodeStunMessage,
  encodeUint32,
  encodeXorAddress,
  findAttribute,
  longTermKey,
} from './stun.js';
import type { DecodedStunMessage, StunAttributeValue, TransportAddress } from './stun.js';

export interface TurnClientOptions {
  readonly server: TransportAddress;
  readonly username?: string;
  readonly credential?: string;
  /** Local address to bind. @default '0.0.0.0' (or '::' for an IPv6 server) */
  readonly localAddress?: string;
  /** First retransmission timeout; doubles on each retransmission. @default 250 */
  readonly rtoMs?: number;
  /** Gives up on a transaction after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** Adds FINGERPRINT to requests. @default true */
  readonly fingerprint?: boolean;
  /** TURN over UDP, or over one TCP connection (RFC 8656 section 7.2; no retransmissions). @default 'udp' */
  readonly transport?: 'udp' | 'tcp';
}

/** The server answered with an error response. */
export class TurnErrorResponse extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    /** The whole error response, for its other attributes (UNKNOWN-ATTRIBUTES...). */
    readonly response?: DecodedStunMessage,
  ) {
    super(`TURN error ${code} ${reason}`);
    this.name = 'TurnErrorResponse';
  }
}

export class TurnTimeoutError extends Error {
  constructor(method: string) {
    super(`no answer to ${method} in time`);
    this.name = 'TurnTimeoutError';
  }
}

/** A success response to an authenticated request lacked a valid MESSAGE-INTEGRITY. */
export class TurnIntegrityError extends Error {
  constructor(
    method: string,
    readonly integrity: 'absent' | 'invalid',
  ) {
    super(`${method} success response has ${integrity} MESSAGE-INTEGRITY`);
    this.name = 'TurnIntegrityError';
  }
}

export interface TurnResponse {
  readonly message: DecodedStunMessage;
  /** From first transmission to answer; undefined when retransmitted (Karn's rule). */
  readonly roundTripMs: number | undefined;
}

export interface Allocation {
  readonly relayed: TransportAddress;
  readonly mapped: TransportAddress;
  readonly lifetimeSeconds: number;
  readonly roundTripMs: number | undefined;
}

export interface RelayedData {
  readonly peer: TransportAddress;
  readonly data: Buffer;
  readonly via: 'data-indication' | 'channel-data';
}

interface PendingTransaction {
  readonly resolve: (message: DecodedStunMessage) => void;
  readonly reject: (error: Error) => void;
  retransmitTimer: NodeJS.Timeout;
  readonly deadline: NodeJS.Timeout;
}

interface DataWaiter {
  readonly accept: (data: RelayedData) => boolean;
  readonly resolve: (data: RelayedData) => void;
  readonly reject: (error: Error) => void;
}

const METHOD_NAMES = new Map<number, string>(
  Object.entries(StunMethod).map(([name, value]) => [value, name]),
);

export interface RequestOptions {
  /** Reuse a transaction id, e.g. to imitate a retransmission by the application. */
  readonly transactionId?: Buffer;
  /** Authenticate this request with another credential (a server must refuse it on an allocation: 441). */
  readonly as?: { readonly username: string; readonly credential: string };
}

export class TurnClient {
  private readonly pending = new Map<string, PendingTransaction>();
  private readonly received: RelayedData[] = [];
  private readonly dataWaiters = new Set<DataWaiter>();
  private readonly channels = new Map<number, TransportAddress>();
  private realm: string | undefined;
  private nonce: string | undefined;
  private closed = false;

  private constructor(
    private readonly channel: ClientChannel,
    private readonly options: TurnClientOptions,
  ) {
    channel.onFrame = (frame) => this.onDatagram(frame);
    // A failed send surfaces here (e.g. no route to the server): fail what waits.
    channel.onError = (error) => {
      for (const key of [...this.pending.keys()]) this.settle(key)?.reject(error);
    };
  }

  static async open(options: TurnClientOptions): Promise<TurnClient> {
    const channel =
      options.transport === 'tcp' ? await TcpChannel.open(options) : await UdpChannel.open(options);
    return new TurnClient(channel, options);
  }

  get localPort(): number {
    return this.channel.localPort;
  }

  /** Allocates a UDP relay; `requestedTransport` other than 17 exists to test refusals. */
  async allocate(
    options: { lifetimeSeconds?: number; requestedTransport?: number } & RequestOptions = {},
  ): Promise<Allocation> {
    const attributes: StunAttributeValue[] = [
      {
        type: StunAttribute.RequestedTransport,
        value: encodeRequestedTransport(options.requestedTransport ?? TRANSPORT_UDP),
      },
    ];
    if (options.lifetimeSeconds !== undefined) {
      attributes.push({
        type: StunAttribute.Lifetime,
        value: encodeUint32(options.lifetimeSeconds),
      });
    }
    const response = await this.request(StunMethod.Allocate, attributes, options);
    const { message } = response;
    const relayed = findAttribute(message, StunAttribute.XorRelayedAddress);
    const mapped = findAttribute(message, StunAttribute.XorMappedAddress);
    const lifetime = findAttribute(message, StunAttribute.Lifetime);
    if (relayed === undefined || mapped === undefined || lifetime === undefined) {
      throw new Error('Allocate success response lacks an address or LIFETIME');
    }
    return {
      relayed: decodeXorAddress(relayed, message.transactionId),
      mapped: decodeXorAddress(mapped, message.transactionId),
      lifetimeSeconds: lifetime.readUInt32BE(0),
      roundTripMs: response.roundTripMs,
    };
  }

  /** Refreshes the allocation; 0 releases it. Returns the granted lifetime. */
  async refresh(lifetimeSeconds?: number): Promise<number> {
    const attributes =
      lifetimeSeconds === undefined
        ? []
        : [{ type: StunAttribute.Lifetime, value: encodeUint32(lifetimeSeconds) }];
    const { message } = await this.request(StunMethod.Refresh, attributes);
    return findAttribute(message, StunAttribute.Lifetime)?.readUInt32BE(0) ?? Number.NaN;
  }

  /** Permits one or more peer IPs (the port is irrelevant to permissions). */
  async createPermission(...peerAddresses: string[]): Promise<void> {
    const transactionId = randomBytes(12);
    const attributes = peerAddresses.map((address) => ({
      type: StunAttribute.XorPeerAddress,
      value: encodeXorAddress({ address, port: 0 }, transactionId),
    }));
    await this.request(StunMethod.CreatePermission, attributes, { transactionId });
  }

  async channelBind(channel: number, peer: TransportAddress): Promise<void> {
    const transactionId = randomBytes(12);
    await this.request(
      StunMethod.ChannelBind,
      [
        { type: StunAttribute.ChannelNumber, value: encodeChannelNumber(channel) },
        { type: StunAttribute.XorPeerAddress, value: encodeXorAddress(peer, transactionId) },
      ],
      { transactionId },
    );
    this.channels.set(channel, peer);
  }

  /** Sends data to a peer through a Send indication (no answer comes back). */
  sendIndication(peer: TransportAddress, data: Buffer): void {
    this.transmit(
      encodePeerDataIndication(StunMethod.Send, peer, data, {
        fingerprint: this.options.fingerprint ?? true,
      }),
    );
  }

  /** ChannelData, padded to four bytes over TCP as RFC 8656 requires. */
  sendChannelData(channel: number, data: Buffer): void {
    this.transmit(encodeChannelData(channel, data, this.channel.reliable));
  }

  /** Raw bytes to the server: for tests that need what no well-behaved client sends. */
  sendRaw(bytes: Buffer): void {
    this.transmit(bytes);
  }

  /** Resolves with the next relayed datagram that `accept` takes (received ones first). */
  nextData(
    accept: (data: RelayedData) => boolean = () => true,
    timeoutMs = this.options.timeoutMs ?? 5000,
  ): Promise<RelayedData> {
    const index = this.received.findIndex(accept);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as RelayedData);
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.dataWaiters.delete(waiter);
      };
      const waiter: DataWaiter = {
        accept,
        resolve: (data) => {
          settle();
          resolve(data);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new TurnTimeoutError('relayed data')),
        timeoutMs,
      );
      this.dataWaiters.add(waiter);
    });
  }

  /**
   * Sends a request; answers 401 and 438 by (re)authenticating once each.
   * Resolves with the success response, rejects with TurnErrorResponse,
   * TurnIntegrityError or TurnTimeoutError.
   */
  async request(
    method: number,
    attributes: readonly StunAttributeValue[],
    options: RequestOptions = {},
  ): Promise<TurnResponse> {
    const methodName = METHOD_NAMES.get(method) ?? `method ${method}`;
    const { username, credential } = options.as ?? this.options;
    for (let attempt = 0; ; attempt += 1) {
      const key = this.integrityKey(username, credential);
      const transactionId =
        attempt === 0 ? (options.transactionId ?? randomBytes(12)) : randomBytes(12);
      const authAttributes: StunAttributeValue[] =
        key === undefined
          ? []
          : [
              { type: StunAttribute.Username, value: Buffer.from(username ?? '') },
              { type: StunAttribute.Realm, value: Buffer.from(this.realm ?? '') },
              { type: StunAttribute.Nonce, value: Buffer.from(this.nonce ?? '') },
            ];
      const datagram = encodeStunMessage(
        {
          method,
          class: StunClass.Request,
          transactionId,
          attributes: [...attributes, ...authAttributes],
        },
        {
          ...(key === undefined ? {} : { integrityKey: key }),
          fingerprint: this.options.fingerprint ?? true,
        },
      );
      const response = await this.transact(methodName, transactionId, datagram);
      const { message } = response;
      if (message.class === StunClass.SuccessResponse) {
        if (key !== undefined) {
          const integrity = checkMessageIntegrity(message, key);
          if (integrity !== 'valid') throw new TurnIntegrityError(methodName, integrity);
        }
        return response;
      }
      const errorValue = findAttribute(message, StunAttribute.ErrorCode);
      const error =
        errorValue === undefined
          ? { code: 0, reason: 'no ERROR-CODE' }
          : decodeErrorCode(errorValue);
      const canRetry = attempt < 2 && username !== undefined;
      if ((error.code === 401 && key === undefined) || error.code === 438) {
        const realm = findAttribute(message, StunAttribute.Realm);
        const nonce = findAttribute(message, StunAttribute.Nonce);
        if (canRetry && realm !== undefined && nonce !== undefined) {
          this.realm = realm.toString('utf8');
          this.nonce = nonce.toString('utf8');
          continue;
        }
      }
      throw new TurnErrorResponse(error.code, error.reason, message);
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const key of [...this.pending.keys()]) {
      this.settle(key)?.reject(new Error('client closed'));
    }
    for (const waiter of [...this.dataWaiters]) waiter.reject(new Error('client closed'));
    return this.channel.close();
  }

  /** Resolves when the server closes a TCP connection (never for UDP). */
  closedByServer(): Promise<void> {
    return this.channel.closed;
  }

  private integrityKey(
    username: string | undefined,
    credential: string | undefined,
  ): Buffer | undefined {
    if (username === undefined || credential === undefined || this.realm === undefined) {
      return undefined;
    }
    return longTermKey(username, this.realm, credential);
  }

  private transmit(datagram: Buffer): void {
    if (this.closed) throw new Error('client closed');
    this.channel.send(datagram);
  }

  private transact(method: string, transactionId: Buffer, datagram: Buffer): Promise<TurnResponse> {
    const key = transactionId.toString('hex');
    const startedAt = performance.now();
    let rto = this.options.rtoMs ?? 250;
    let retransmitted = false;
    return new Promise((resolve, reject) => {
      // Over TCP the transport retransmits; RFC 8489 section 6.2.2.
      const retransmit = (): void => {
        if (this.channel.reliable) return;
        retransmitted = true;
        this.transmit(datagram);
        rto *= 2;
        transaction.retransmitTimer = setTimeout(retransmit, rto);
      };
      const transaction: PendingTransaction = {
        resolve: (message) =>
          resolve({
            message,
            roundTripMs: retransmitted ? undefined : performance.now() - startedAt,
          }),
        reject,
        retransmitTimer: setTimeout(retransmit, rto),
        deadline: setTimeout(() => {
          this.settle(key)?.reject(new TurnTimeoutError(method));
        }, this.options.timeoutMs ?? 5000),
      };
      this.pending.set(key, transaction);
      this.transmit(datagram);
    });
  }

  /** Forgets a transaction and stops its timers; returns it if it was still pending. */
  private settle(key: string): PendingTransaction | undefined {
    const transaction = this.pending.get(key);
    if (transaction === undefined) return undefined;
    this.pending.delete(key);
    clearTimeout(transaction.retransmitTimer);
    clearTimeout(transaction.deadline);
    return transaction;
  }

  private onDatagram(datagram: Buffer): void {
    const channelData = decodeChannelData(datagram);
    if (channelData !== undefined) {
      const peer = this.channels.get(channelData.channel);
      if (peer !== undefined) {
        this.deliver({ peer, data: Buffer.from(channelData.data), via: 'channel-data' });
      }
      return;
    }
    const message = decodeStunMessage(datagram);
    if (message === undefined) return;
    if (message.class === StunClass.Indication && message.method === StunMethod.Data) {
      const peer = findAttribute(message, StunAttribute.XorPeerAddress);
      const data = findAttribute(message, StunAttribute.Data);
      if (peer !== undefined && data !== undefined) {
        this.deliver({
          peer: decodeXorAddress(peer, message.transactionId),
          data: Buffer.from(data),
          via: 'data-indication',
        });
      }
      return;
    }
    this.settle(message.transactionId.toString('hex'))?.resolve(message);
  }

  private deliver(data: RelayedData): void {
    for (const waiter of this.dataWaiters) {
      if (waiter.accept(data)) {
        waiter.resolve(data);
        return;
      }
    }
    this.received.push(data);
  }
}

/** How the client reaches the server: datagrams, or frames on a TCP stream. */
interface ClientChannel {
  readonly reliable: boolean;
  readonly localPort: number;
  /** Resolves when the server closes the connection (TCP only). */
  readonly closed: Promise<void>;
  onFrame: (frame: Buffer) => void;
  onError: (error: Error) => void;
  send(bytes: Buffer): void;
  close(): Promise<void>;
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

  static async open(options: TurnClientOptions): Promise<UdpChannel> {
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

  static async open(options: TurnClientOptions): Promise<TcpChannel> {
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
