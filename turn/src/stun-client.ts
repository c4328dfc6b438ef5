/**
 * A minimal TURN client over UDP or TCP: Allocate with long-term credentials
 * (401 -> REALM/NONCE -> MESSAGE-INTEGRITY), Refresh, CreatePermission,
 * ChannelBind, Send indications and ChannelData. Used by checkTurnServer and
 * as the test client for the embedded server. It reaches the server through
 * client-channel.ts; stun-transactions.ts waits for (and retransmits)
 * requests; relayed-data-inbox.ts holds what peers send.
 *
 * Like Chrome, it refuses a success response to an authenticated request
 * unless that response carries a valid MESSAGE-INTEGRITY.
 */
import { randomBytes } from 'node:crypto';
import { openClientChannel } from './client-channel.js';
import type { ClientChannel, ClientChannelOptions } from './client-channel.js';
import { RelayedDataInbox } from './relayed-data-inbox.js';
import type { RelayedData } from './relayed-data-inbox.js';
import { StunTransactions } from './stun-transactions.js';
import type { TurnResponse } from './stun-transactions.js';
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
import type { StunAttributeValue, TransportAddress } from './stun.js';
import { TurnErrorResponse, TurnIntegrityError } from './turn-client-errors.js';

export { TurnErrorResponse, TurnIntegrityError, TurnTimeoutError } from './turn-client-errors.js';
export type { RelayedData } from './relayed-data-inbox.js';
export type { TurnResponse } from './stun-transactions.js';

export interface TurnClientOptions extends ClientChannelOptions {
  readonly username?: string;
  readonly credential?: string;
  /** First retransmission timeout; doubles on each retransmission. @default 250 */
  readonly rtoMs?: number;
  /** Gives up on a transaction after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** Adds FINGERPRINT to requests. @default true */
  readonly fingerprint?: boolean;
}

export interface Allocation {
  readonly relayed: TransportAddress;
  readonly mapped: TransportAddress;
  readonly lifetimeSeconds: number;
  readonly roundTripMs: number | undefined;
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
  private readonly transactions: StunTransactions;
  private readonly inbox = new RelayedDataInbox();
  private readonly channels = new Map<number, TransportAddress>();
  private realm: string | undefined;
  private nonce: string | undefined;
  private closed = false;

  private constructor(
    private readonly channel: ClientChannel,
    private readonly options: TurnClientOptions,
  ) {
    this.transactions = new StunTransactions({
      reliable: channel.reliable,
      rtoMs: options.rtoMs ?? 250,
      timeoutMs: options.timeoutMs ?? 5000,
      transmit: (datagram) => this.transmit(datagram),
    });
    channel.onFrame = (frame) => this.onDatagram(frame);
    // A failed send surfaces here (e.g. no route to the server): fail what waits.
    channel.onError = (error) => this.transactions.failAll(error);
  }

  static async open(options: TurnClientOptions): Promise<TurnClient> {
    return new TurnClient(await openClientChannel(options), options);
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
    return this.inbox.next(accept, timeoutMs);
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
      const response = await this.transactions.run(methodName, transactionId, datagram);
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
    this.transactions.failAll(new Error('client closed'));
    this.inbox.failWaiting(new Error('client closed'));
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

  private onDatagram(datagram: Buffer): void {
    const channelData = decodeChannelData(datagram);
    if (channelData !== undefined) {
      const peer = this.channels.get(channelData.channel);
      if (peer !== undefined) {
        this.inbox.deliver({ peer, data: Buffer.from(channelData.data), via: 'channel-data' });
      }
      return;
    }
    const message = decodeStunMessage(datagram);
    if (message === undefined) return;
    if (message.class === StunClass.Indication && message.method === StunMethod.Data) {
      const peer = findAttribute(message, StunAttribute.XorPeerAddress);
      const data = findAttribute(message, StunAttribute.Data);
      if (peer !== undefined && data !== undefined) {
        this.inbox.deliver({
          peer: decodeXorAddress(peer, message.transactionId),
          data: Buffer.from(data),
          via: 'data-indication',
        });
      }
      return;
    }
    this.transactions.answer(message);
  }
}
