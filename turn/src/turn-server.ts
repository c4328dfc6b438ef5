/**
 * The embedded TURN server's protocol: STUN (RFC 8489) and TURN (RFC 8656)
 * requests and indications from any client link, UDP or TCP alike. The
 * listeners (udp-listener.ts, tcp-listener.ts) hand it whole messages;
 * relay-data-path.ts carries the data. Every request it can read gets an
 * answer, and every answer that refuses says why as the RFCs define it:
 *
 * - 400 malformed request or attribute, conflicting attributes
 * - 401/438 long-term authentication (rest-authentication.ts)
 * - 403 peer refused by the policy (peer-access.ts)
 * - 420 unknown comprehension-required attributes, listed in UNKNOWN-ATTRIBUTES
 *   (DONT-FRAGMENT among them: Node cannot set the DF bit)
 * - 437 allocation mismatch, 441 another credential on an allocation
 * - 440 address family not served (one relay family), 442 relay transport other than UDP
 * - 443 peer of the other address family
 * - 486 per-credential quota, 508 no relay port (or a bad RESERVATION-TOKEN)
 *
 * Messages that are no STUN request it can read are logged (metadata only)
 * and otherwise ignored, as RFC 8489 section 6.3 says; so are requests of
 * unknown methods.
 *
 * Two deliberate departures, both for interoperability: an Allocate without
 * REQUESTED-ADDRESS-FAMILY gets the server's one relay family (RFC 8656 says
 * IPv4; this differs only for an IPv6-only relay), and ChannelBind accepts
 * the channel numbers of RFC 5766 (0x4000-0x7fff), which coturn 4.6's client
 * still picks, not only RFC 8656's 0x4000-0x4fff.
 */
import type { Socket } from 'node:dgram';
import { AllocationTable } from './allocation-table.js';
import type { AllocationReservation } from './allocation-table.js';
import type { ClientLink } from './client-link.js';
import { canonicalIp, ipFamilyOf } from './ip-address.js';
import type { IpFamily } from './ip-address.js';
import type { PeerAccess, PeerGrant } from './peer-access.js';
import { PortReservations } from './port-reservations.js';
import { RelayAllocation } from './relay-allocation.js';
import { RelayDataPath } from './relay-data-path.js';
import { RestAuthentication } from './rest-authentication.js';
import type { Authenticated } from './rest-authentication.js';
import {
  AddressFamily,
  StunAttribute,
  StunClass,
  StunMethod,
  TRANSPORT_UDP,
  addressFamilyOf,
  decodeStun,
  decodeXorAddress,
  encodeAddressErrorCode,
  encodeErrorCode,
  encodeStunMessage,
  encodeUint32,
  encodeUnknownAttributes,
  encodeXorAddress,
  findAttribute,
  isComprehensionRequired,
} from './stun.js';
import type {
  DecodedStunMessage,
  StunAttributeValue,
  StunHeader,
  TransportAddress,
} from './stun.js';
import { bindRelaySockets } from './udp-sockets.js';
import type { PortShape } from './udp-sockets.js';
import { errorCode } from './turn-log.js';
import type { AllocationCloseReason, TurnLog, TurnMethodName } from './turn-log.js';

export interface TurnServerConfig {
  /** Canonical IP literal relay sockets bind to. */
  readonly relayBindAddress: string;
  /** Canonical IP literal announced in XOR-RELAYED-ADDRESS. */
  readonly announcedRelayAddress: string;
  readonly realm: string;
  readonly secret: string;
  readonly peerAccess: PeerAccess;
  readonly maxAllocationsPerUser: number;
  readonly defaultLifetimeSeconds: number;
  readonly maxLifetimeSeconds: number;
  readonly relayPortRange: { readonly min: number; readonly max: number } | undefined;
  readonly nonceLifetimeSeconds: number;
  readonly now: () => number;
  readonly log: TurnLog;
}

const METHOD_NAMES: ReadonlyMap<number, TurnMethodName> = new Map([
  [StunMethod.Binding, 'binding'],
  [StunMethod.Allocate, 'allocate'],
  [StunMethod.Refresh, 'refresh'],
  [StunMethod.CreatePermission, 'create-permission'],
  [StunMethod.ChannelBind, 'channel-bind'],
]);

const REASONS: ReadonlyMap<number, string> = new Map([
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [420, 'Unknown Attribute'],
  [437, 'Allocation Mismatch'],
  [438, 'Stale Nonce'],
  [440, 'Address Family not Supported'],
  [441, 'Wrong Credentials'],
  [442, 'Unsupported Transport Protocol'],
  [443, 'Peer Address Family Mismatch'],
  [486, 'Allocation Quota Reached'],
  [508, 'Insufficient Capacity'],
]);

/**
 * Comprehension-required attributes this server understands, in whichever
 * request they come. DONT-FRAGMENT is understood but not supported, which
 * RFC 8656 says to answer as if unknown (see `unknownAttributes`).
 */
const UNDERSTOOD = new Set<number>([
  StunAttribute.MappedAddress,
  StunAttribute.Username,
  StunAttribute.MessageIntegrity,
  StunAttribute.ErrorCode,
  StunAttribute.UnknownAttributes,
  StunAttribute.ChannelNumber,
  StunAttribute.Lifetime,
  StunAttribute.XorPeerAddress,
  StunAttribute.Data,
  StunAttribute.Realm,
  StunAttribute.Nonce,
  StunAttribute.XorRelayedAddress,
  StunAttribute.RequestedAddressFamily,
  StunAttribute.EvenPort,
  StunAttribute.RequestedTransport,
  StunAttribute.XorMappedAddress,
  StunAttribute.ReservationToken,
]);

/** Refusals logged as events of their own: peer-denied, auth-rejected, quota-exceeded. */
const REFUSALS_WITH_OWN_EVENT = new Set([403, 441, 486]);

/** RFC 8656 section 12: channel numbers; see the module comment for the upper bound. */
const MIN_CHANNEL = 0x4000;
const MAX_CHANNEL = 0x7fff;

/** The refusal of a request: an error code, and attributes that explain it. */
interface Refusal {
  readonly code: number;
  readonly attributes?: readonly StunAttributeValue[];
}

/** Unknown comprehension-required attributes of a message, each type once, in order. */
function unknownAttributes(message: DecodedStunMessage, dontFragmentUnknown: boolean): number[] {
  const unknown: number[] = [];
  for (const { type } of message.attributes) {
    const isUnknown =
      isComprehensionRequired(type) &&
      (!UNDERSTOOD.has(type) || (dontFragmentUnknown && type === StunAttribute.DontFragment));
    if (isUnknown && !unknown.includes(type)) unknown.push(type);
  }
  return unknown;
}

/** A 4-byte attribute's first byte (REQUESTED-TRANSPORT, the address family ones); undefined if malformed. */
function leadingByte(value: Buffer | undefined): number | undefined | 'malformed' {
  if (value === undefined) return undefined;
  return value.length === 4 ? (value[0] ?? 0) : 'malformed';
}

function familyNumber(family: IpFamily): number {
  return family === 4 ? AddressFamily.IPv4 : AddressFamily.IPv6;
}

/** What an Allocate asks for, once its attributes are checked. */
interface AllocateRequest {
  readonly lifetime: number | undefined;
  readonly shape: PortShape;
  readonly reservationToken: Buffer | undefined;
  /** ADDITIONAL-ADDRESS-FAMILY asked for an IPv6 relay too, which this server does not have. */
  readonly refusedAdditionalFamily: boolean;
}

export class TurnServer {
  private readonly relayFamily: IpFamily;
  private readonly allocations: AllocationTable;
  private readonly reservations = new PortReservations();
  /** What each Allocate was answered, for its retransmissions (RFC 8656 section 7.2: the same answer). */
  private readonly allocateAnswers = new WeakMap<RelayAllocation, readonly StunAttributeValue[]>();
  private readonly dataPath: RelayDataPath;
  private readonly authentication: RestAuthentication;
  private closing = false;

  constructor(private readonly config: TurnServerConfig) {
    this.relayFamily = ipFamilyOf(config.relayBindAddress);
    this.allocations = new AllocationTable(config.maxAllocationsPerUser);
    this.authentication = new RestAuthentication(config);
    this.dataPath = new RelayDataPath({
      allocations: this.allocations,
      peerAccess: config.peerAccess,
      log: config.log,
    });
  }

  allocationCount(): number {
    return this.allocations.size;
  }

  /**
   * One STUN message or ChannelData frame from a client. A message that does
   * not parse is the sender's fault and logged as `malformed-message`;
   * anything that throws while handling it is a defect of this server,
   * logged as an `error` so that it is not mistaken for noise.
   */
  receive(link: ClientLink, frame: Buffer): void {
    if (this.closing) return;
    if ((frame[0] ?? 0) >> 6 === 0b01) {
      this.receiveChannelData(link.key, frame);
      return;
    }
    try {
      this.receiveStun(link, frame);
    } catch (error) {
      this.config.log({ type: 'error', where: 'message-handler', code: errorCode(error) });
    }
  }

  /** ChannelData from the client on a 5-tuple; the UDP listener's path that needs no link object. */
  receiveChannelData(fiveTuple: string, frame: Buffer): void {
    if (this.closing) return;
    try {
      const allocation = this.liveAllocation(fiveTuple);
      if (allocation !== undefined) this.dataPath.relayChannelData(allocation, frame);
    } catch (error) {
      this.config.log({ type: 'error', where: 'channel-data', code: errorCode(error) });
    }
  }

  /** A TCP connection ended: its allocation goes with it (RFC 8656 section 7.2). */
  linkClosed(link: ClientLink): void {
    const allocation = this.allocations.get(link.key);
    if (allocation !== undefined) void this.closeAllocation(allocation, 'connection-closed');
  }

  /** Closes every allocation, reservation and timer. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    await this.allocations.settled();
    await Promise.all([
      ...this.allocations
        .all()
        .map((allocation) => this.closeAllocation(allocation, 'server-closed')),
      this.reservations.closeAll(),
    ]);
  }

  private receiveStun(link: ClientLink, frame: Buffer): void {
    const decoded = decodeStun(frame);
    if (!decoded.ok) {
      if (decoded.reason === 'malformed' && decoded.header.class === StunClass.Request) {
        this.refuseUnread(link, decoded.header);
      } else {
        this.config.log({ type: 'malformed-message' });
      }
      return;
    }
    const message = decoded.message;
    // RFC 8489 section 7.3: a wrong FINGERPRINT means "not STUN" (maybe another protocol).
    if (message.fingerprint === 'invalid') {
      this.config.log({ type: 'malformed-message' });
      return;
    }
    if (message.class === StunClass.Request) this.receiveRequest(link, message);
    else if (message.class === StunClass.Indication && message.method === StunMethod.Send) {
      this.receiveSend(link, message);
    }
    // Other indications (a Binding keepalive) and responses need nothing from a server.
  }

  /** 400 to a request whose header reads but whose body does not. */
  private refuseUnread(link: ClientLink, header: StunHeader): void {
    const method = METHOD_NAMES.get(header.method);
    if (method === undefined) {
      this.config.log({ type: 'unknown-method' });
      return;
    }
    this.config.log({ type: 'request-refused', method, code: 400 });
    this.send(
      link,
      header,
      StunClass.ErrorResponse,
      errorAttributes({ code: 400 }),
      undefined,
      false,
    );
  }

  private receiveRequest(link: ClientLink, message: DecodedStunMessage): void {
    const method = METHOD_NAMES.get(message.method);
    if (method === undefined) {
      this.config.log({ type: 'unknown-method' });
      return;
    }
    if (message.method === StunMethod.Binding) {
      this.answer(link, message, method, this.binding(link, message), undefined);
      return;
    }
    const auth = this.authentication.authenticate(message);
    if (!auth.ok) {
      if (auth.rejection !== undefined) {
        this.config.log({ type: 'auth-rejected', reason: auth.rejection });
      }
      const challenge: StunAttributeValue[] = auth.challenge
        ? [
            { type: StunAttribute.Realm, value: Buffer.from(this.config.realm) },
            { type: StunAttribute.Nonce, value: Buffer.from(this.authentication.issueNonce()) },
          ]
        : [];
      this.send(
        link,
        message,
        StunClass.ErrorResponse,
        [...errorAttributes({ code: auth.code }), ...challenge],
        undefined,
        message.fingerprint === 'valid',
      );
      return;
    }
    const unknown = unknownAttributes(message, message.method === StunMethod.Allocate);
    if (unknown.length > 0) {
      this.answer(link, message, method, unknownAttributesRefusal(unknown), auth);
      return;
    }
    const allocation = this.liveAllocation(link.key);
    if (message.method === StunMethod.Allocate) {
      this.allocate(link, message, auth, allocation);
      return;
    }
    // RFC 8656 section 5: requests on an allocation come with the credential that made it.
    if (allocation !== undefined && allocation.username !== auth.username) {
      this.config.log({ type: 'auth-rejected', reason: 'wrong-credentials' });
      this.answer(link, message, method, { code: 441 }, auth);
      return;
    }
    switch (message.method) {
      case StunMethod.Refresh:
        this.answer(link, message, method, this.refresh(message, allocation), auth);
        return;
      case StunMethod.CreatePermission:
        this.answer(link, message, method, this.createPermission(message, allocation), auth);
        return;
      default:
        this.answer(link, message, method, this.channelBind(message, allocation), auth);
    }
  }

  /**
   * Sends the answer to a request: success with `outcome`'s attributes, or
   * its refusal; logged unless the refusal has an event of its own.
   */
  private answer(
    link: ClientLink,
    message: DecodedStunMessage,
    method: TurnMethodName,
    outcome: readonly StunAttributeValue[] | Refusal,
    auth: Authenticated | undefined,
  ): void {
    const fingerprint = message.fingerprint === 'valid';
    if (!('code' in outcome)) {
      this.send(link, message, StunClass.SuccessResponse, outcome, auth?.key, fingerprint);
      return;
    }
    const refusal = outcome;
    if (!REFUSALS_WITH_OWN_EVENT.has(refusal.code)) {
      this.config.log({ type: 'request-refused', method, code: refusal.code });
    }
    this.send(
      link,
      message,
      StunClass.ErrorResponse,
      errorAttributes(refusal),
      auth?.key,
      fingerprint,
    );
  }

  private send(
    link: ClientLink,
    request: StunHeader,
    cls: StunClass,
    attributes: readonly StunAttributeValue[],
    integrityKey: Buffer | undefined,
    fingerprint: boolean,
  ): void {
    const response = encodeStunMessage(
      { method: request.method, class: cls, transactionId: request.transactionId, attributes },
      { ...(integrityKey === undefined ? {} : { integrityKey }), fingerprint },
    );
    link.send(response, 'control');
  }

  /** The allocation on a 5-tuple; one whose lifetime ran out by the clock is closed now. */
  private liveAllocation(fiveTuple: string): RelayAllocation | undefined {
    const allocation = this.allocations.get(fiveTuple);
    if (allocation?.isExpired() !== true) return allocation;
    void this.closeAllocation(allocation, 'expired');
    return undefined;
  }

  private binding(
    link: ClientLink,
    message: DecodedStunMessage,
  ): readonly StunAttributeValue[] | Refusal {
    const unknown = unknownAttributes(message, false);
    if (unknown.length > 0) return unknownAttributesRefusal(unknown);
    return [
      {
        type: StunAttribute.XorMappedAddress,
        value: encodeXorAddress(link.remote, message.transactionId),
      },
    ];
  }

  /** Checks an Allocate's attributes (RFC 8656 section 7.2, steps 3-7); a refusal or what it asks for. */
  private readAllocate(message: DecodedStunMessage): AllocateRequest | Refusal {
    const once = [
      StunAttribute.RequestedTransport,
      StunAttribute.Lifetime,
      StunAttribute.EvenPort,
      StunAttribute.ReservationToken,
      StunAttribute.RequestedAddressFamily,
      StunAttribute.AdditionalAddressFamily,
    ];
    const repeated = once.some(
      (type) => message.attributes.filter((attribute) => attribute.type === type).length > 1,
    );
    if (repeated) return { code: 400 };
    const transport = leadingByte(findAttribute(message, StunAttribute.RequestedTransport));
    if (transport === undefined || transport === 'malformed') return { code: 400 };
    if (transport !== TRANSPORT_UDP) return { code: 442 };
    const lifetime = findAttribute(message, StunAttribute.Lifetime);
    if (lifetime !== undefined && lifetime.length !== 4) return { code: 400 };
    const evenPort = findAttribute(message, StunAttribute.EvenPort);
    if (evenPort !== undefined && evenPort.length !== 1) return { code: 400 };
    const token = findAttribute(message, StunAttribute.ReservationToken);
    if (token !== undefined && token.length !== 8) return { code: 400 };
    const requested = leadingByte(findAttribute(message, StunAttribute.RequestedAddressFamily));
    const additional = leadingByte(findAttribute(message, StunAttribute.AdditionalAddressFamily));
    if (requested === 'malformed' || additional === 'malformed') return { code: 400 };
    const familyGiven = requested !== undefined || additional !== undefined;
    if (
      (requested !== undefined && additional !== undefined) ||
      (token !== undefined && (evenPort !== undefined || familyGiven)) ||
      (evenPort !== undefined && additional !== undefined) ||
      (additional !== undefined && additional !== AddressFamily.IPv6)
    ) {
      return { code: 400 };
    }
    const ownFamily = familyNumber(this.relayFamily);
    // ADDITIONAL-ADDRESS-FAMILY asks for IPv4 plus IPv6; IPv4 must be ours.
    const primary = additional !== undefined ? AddressFamily.IPv4 : (requested ?? ownFamily);
    if (primary !== ownFamily) return { code: 440 };
    let shape: PortShape = 'any';
    if (evenPort !== undefined) shape = ((evenPort[0] ?? 0) & 0x80) !== 0 ? 'even-pair' : 'even';
    return {
      lifetime: lifetime?.readUInt32BE(0),
      shape,
      reservationToken: token,
      refusedAdditionalFamily: additional !== undefined,
    };
  }

  private allocate(
    link: ClientLink,
    message: DecodedStunMessage,
    auth: Authenticated,
    existing: RelayAllocation | undefined,
  ): void {
    const transactionId = message.transactionId.toString('hex');
    if (existing !== undefined) {
      // A retransmission gets the same answer; another Allocate on the 5-tuple, 437.
      const retransmitted =
        existing.transactionId === transactionId && existing.username === auth.username;
      const outcome = retransmitted
        ? (this.allocateAnswers.get(existing) ??
          this.allocateSuccess(existing, link, message, undefined, false))
        : { code: 437 };
      this.answer(link, message, 'allocate', outcome, auth);
      return;
    }
    // A retransmission while the relay port is being bound: the first answer will do.
    if (this.allocations.isPending(link.key)) return;
    const request = this.readAllocate(message);
    if ('code' in request) {
      this.answer(link, message, 'allocate', request, auth);
      return;
    }
    let claimed: Socket | undefined;
    if (request.reservationToken !== undefined) {
      claimed = this.reservations.claim(request.reservationToken);
      if (claimed === undefined) {
        this.answer(link, message, 'allocate', { code: 508 }, auth);
        return;
      }
    }
    // The quota counts per credential id, so fresh credentials for one id share it.
    const reservation = this.allocations.reserve(link.key, auth.credentialId);
    if (reservation === undefined) {
      claimed?.close();
      this.config.log({ type: 'quota-exceeded' });
      this.answer(link, message, 'allocate', { code: 486 }, auth);
      return;
    }
    const localScope = this.config.peerAccess.grantsLocalScope(
      auth.credentialId,
      link.remote.address,
    );
    void this.makeAllocation(link, message, auth, {
      request,
      claimed,
      reservation,
      localScope,
      transactionId,
    });
  }

  /** Binds the relay socket(s), then registers the allocation and answers. Never rejects. */
  private async makeAllocation(
    link: ClientLink,
    message: DecodedStunMessage,
    auth: Authenticated,
    pending: {
      readonly request: AllocateRequest;
      readonly claimed: Socket | undefined;
      readonly reservation: AllocationReservation;
      readonly localScope: boolean;
      readonly transactionId: string;
    },
  ): Promise<void> {
    const { request, claimed, reservation } = pending;
    let sockets: Socket[];
    try {
      sockets =
        claimed !== undefined
          ? [claimed]
          : await bindRelaySockets(
              {
                family: this.relayFamily,
                address: this.config.relayBindAddress,
                portRange: this.config.relayPortRange,
                isTaken: (port) =>
                  this.allocations.onRelayPort(port) !== undefined ||
                  this.reservations.isReserved(port),
              },
              request.shape,
            );
    } catch (error) {
      reservation.cancel();
      this.config.log({ type: 'relay-port-unavailable' });
      this.config.log({ type: 'error', where: 'relay-bind', code: errorCode(error) });
      if (!this.closing) this.answer(link, message, 'allocate', { code: 508 }, auth);
      return;
    }
    const [relaySocket, reserved] = sockets;
    const closeSockets = (): void => {
      for (const socket of sockets) socket.close();
    };
    if (relaySocket === undefined || this.closing || !link.isOpen) {
      closeSockets();
      reservation.cancel();
      return;
    }
    try {
      const lifetimeSeconds = this.grantedLifetime(request.lifetime);
      const allocation = new RelayAllocation({
        link,
        transactionId: pending.transactionId,
        username: auth.username,
        quotaKey: auth.credentialId,
        localScope: pending.localScope,
        relaySocket,
        family: this.relayFamily,
        relayed: { address: this.config.announcedRelayAddress, port: relaySocket.address().port },
        lifetimeSeconds,
        now: this.config.now,
        onExpiry: (expired) => void this.closeAllocation(expired, 'expired'),
      });
      reservation.commit(allocation);
      link.allocationChanged(true);
      this.dataPath.listenOnRelay(allocation);
      const token =
        reserved === undefined ? undefined : this.reservations.hold(reserved, allocation);
      const answer = this.allocateSuccess(
        allocation,
        link,
        message,
        token,
        request.refusedAdditionalFamily,
      );
      this.allocateAnswers.set(allocation, answer);
      this.answer(link, message, 'allocate', answer, auth);
      this.config.log({
        type: 'allocation-created',
        relayPort: allocation.relayed.port,
        lifetimeSeconds,
        allocations: this.allocations.size,
        transport: link.transport,
      });
    } catch (error) {
      // Our fault, not the client's: report it as such and leak nothing.
      if (reservation.cancel()) closeSockets();
      this.config.log({ type: 'error', where: 'allocate', code: errorCode(error) });
    }
  }

  private allocateSuccess(
    allocation: RelayAllocation,
    link: ClientLink,
    message: DecodedStunMessage,
    reservationToken: Buffer | undefined,
    refusedAdditionalFamily: boolean,
  ): StunAttributeValue[] {
    const attributes: StunAttributeValue[] = [
      {
        type: StunAttribute.XorRelayedAddress,
        value: encodeXorAddress(allocation.relayed, message.transactionId),
      },
      { type: StunAttribute.Lifetime, value: encodeUint32(allocation.lifetimeSeconds) },
      {
        type: StunAttribute.XorMappedAddress,
        value: encodeXorAddress(link.remote, message.transactionId),
      },
    ];
    if (reservationToken !== undefined) {
      attributes.push({ type: StunAttribute.ReservationToken, value: reservationToken });
    }
    if (refusedAdditionalFamily) {
      attributes.push({
        type: StunAttribute.AddressErrorCode,
        value: encodeAddressErrorCode(AddressFamily.IPv6, 440, 'Address Family not Supported'),
      });
    }
    return attributes;
  }

  /** RFC 8656 sections 7.2 and 7.3: the requested lifetime capped at the maximum, never below the default. */
  private grantedLifetime(requested: number | undefined): number {
    const { defaultLifetimeSeconds, maxLifetimeSeconds } = this.config;
    return Math.max(
      defaultLifetimeSeconds,
      Math.min(requested ?? defaultLifetimeSeconds, maxLifetimeSeconds),
    );
  }

  private closeAllocation(
    allocation: RelayAllocation,
    reason: AllocationCloseReason,
  ): Promise<void> {
    if (!this.allocations.remove(allocation)) return allocation.close();
    this.reservations.dropOwnedBy(allocation);
    this.config.log({ type: 'allocation-closed', reason, allocations: this.allocations.size });
    allocation.link.allocationChanged(false);
    return allocation.close();
  }

  private refresh(
    message: DecodedStunMessage,
    allocation: RelayAllocation | undefined,
  ): StunAttributeValue[] | Refusal {
    if (allocation === undefined) return { code: 437 };
    const family = leadingByte(findAttribute(message, StunAttribute.RequestedAddressFamily));
    if (family === 'malformed') return { code: 400 };
    if (family !== undefined && family !== familyNumber(allocation.family)) return { code: 443 };
    const lifetime = findAttribute(message, StunAttribute.Lifetime);
    if (lifetime !== undefined && lifetime.length !== 4) return { code: 400 };
    const requested = lifetime?.readUInt32BE(0);
    // RFC 8656 section 7.3: 0 deletes the allocation.
    if (requested === 0) {
      void this.closeAllocation(allocation, 'released');
      return [{ type: StunAttribute.Lifetime, value: encodeUint32(0) }];
    }
    const lifetimeSeconds = this.grantedLifetime(requested);
    allocation.refresh(lifetimeSeconds);
    this.config.log({ type: 'allocation-refreshed', lifetimeSeconds });
    return [{ type: StunAttribute.Lifetime, value: encodeUint32(lifetimeSeconds) }];
  }

  /**
   * Checks one XOR-PEER-ADDRESS: the peer, and what a permission for it
   * rests on; or the refusal (400 unreadable, 403 denied, 443 other family).
   */
  private checkPeer(
    allocation: RelayAllocation,
    message: DecodedStunMessage,
    value: Buffer,
    request: 'create-permission' | 'channel-bind',
  ): { peer: TransportAddress; grant: PeerGrant } | Refusal {
    if (addressFamilyOf(value) === undefined) return { code: 400 };
    const decoded = decodeXorAddress(value, message.transactionId);
    const ip = canonicalIp(decoded.address);
    if (ip === undefined) return { code: 400 };
    const grant = this.config.peerAccess.permissionFor(ip, allocation.localScope);
    if (grant === undefined) {
      this.config.log({ type: 'peer-denied', request });
      return { code: 403 };
    }
    if (ipFamilyOf(ip) !== allocation.family) return { code: 443 };
    return { peer: { address: ip, port: decoded.port }, grant };
  }

  private createPermission(
    message: DecodedStunMessage,
    allocation: RelayAllocation | undefined,
  ): StunAttributeValue[] | Refusal {
    if (allocation === undefined) return { code: 437 };
    const peers = message.attributes.filter(
      (attribute) => attribute.type === StunAttribute.XorPeerAddress,
    );
    if (peers.length === 0) return { code: 400 };
    const granted: { peer: TransportAddress; grant: PeerGrant }[] = [];
    // All or nothing (RFC 8656 section 9.2): one refused peer refuses the request.
    for (const { value } of peers) {
      const verdict = this.checkPeer(allocation, message, value, 'create-permission');
      if ('code' in verdict) return verdict;
      granted.push(verdict);
    }
    for (const { peer, grant } of granted) allocation.permit(peer.address, grant);
    return [];
  }

  private channelBind(
    message: DecodedStunMessage,
    allocation: RelayAllocation | undefined,
  ): StunAttributeValue[] | Refusal {
    if (allocation === undefined) return { code: 437 };
    const channelValue = findAttribute(message, StunAttribute.ChannelNumber);
    const peerValue = findAttribute(message, StunAttribute.XorPeerAddress);
    if (channelValue?.length !== 4 || peerValue === undefined) return { code: 400 };
    const channel = channelValue.readUInt16BE(0);
    if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) return { code: 400 };
    const verdict = this.checkPeer(allocation, message, peerValue, 'channel-bind');
    if ('code' in verdict) return verdict;
    if (allocation.bindChannel(channel, verdict.peer, verdict.grant) !== 'bound') {
      return { code: 400 };
    }
    return [];
  }

  /**
   * Send indication: client to peer. Unauthenticated by design (RFC 8656
   * section 11.2), so only a live allocation's permissions let it through;
   * anything wrong with it drops it, since indications are never answered.
   */
  private receiveSend(link: ClientLink, message: DecodedStunMessage): void {
    const allocation = this.liveAllocation(link.key);
    if (allocation === undefined || unknownAttributes(message, true).length > 0) return;
    const peerValue = findAttribute(message, StunAttribute.XorPeerAddress);
    const data = findAttribute(message, StunAttribute.Data);
    if (peerValue === undefined || data === undefined || addressFamilyOf(peerValue) === undefined) {
      return;
    }
    const peer = decodeXorAddress(peerValue, message.transactionId);
    const ip = canonicalIp(peer.address);
    if (ip !== undefined)
      this.dataPath.relayToPeer(allocation, { address: ip, port: peer.port }, data);
  }
}

function errorAttributes(refusal: Refusal): StunAttributeValue[] {
  return [
    {
      type: StunAttribute.ErrorCode,
      value: encodeErrorCode(refusal.code, REASONS.get(refusal.code) ?? 'Error'),
    },
    ...(refusal.attributes ?? []),
  ];
}

function unknownAttributesRefusal(types: readonly number[]): Refusal {
  return {
    code: 420,
    attributes: [{ type: StunAttribute.UnknownAttributes, value: encodeUnknownAttributes(types) }],
  };
}
