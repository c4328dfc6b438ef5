/**
 * The embedded TURN server's protocol: STUN (RFC 8489) and TURN (RFC 8656)
 * requests and indications from any client link, UDP or TCP alike. The
 * listeners (udp-listener.ts, tcp-listener.ts) hand it whole messages; this
 * reads them, authenticates requests and hands each to its handler:
 * allocation-lifecycle.ts (Allocate, Refresh), peer-requests.ts
 * (CreatePermission, ChannelBind, Send); relay-data-path.ts carries the
 * data. Every request it can read gets an answer (request-answer.ts), and
 * every answer that refuses says why as the RFCs define it:
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
import { AllocationLifecycle } from './allocation-lifecycle.js';
import type { AllocationLifecycleConfig } from './allocation-lifecycle.js';
import { AllocationTable } from './allocation-table.js';
import type { ClientLink } from './client-link.js';
import { PeerRequests, readSendIndication } from './peer-requests.js';
import type { RelayAllocation } from './relay-allocation.js';
import { RelayDataPath } from './relay-data-path.js';
import type { RelayedBytes } from './relay-data-path.js';
import { encodeAnswer, isRefusal, unknownAttributesRefusal } from './request-answer.js';
import type { Refusal, RequestOutcome } from './request-answer.js';
import { unknownAttributes } from './request-attributes.js';
import { RestAuthentication } from './rest-authentication.js';
import type { Authenticated } from './rest-authentication.js';
import { StunAttribute, StunClass, StunMethod, decodeStun, encodeXorAddress } from './stun.js';
import type { DecodedStunMessage, StunHeader } from './stun.js';
import { errorCode } from './turn-log.js';
import type { TurnMethodName } from './turn-log.js';

export interface TurnServerConfig extends AllocationLifecycleConfig {
  readonly realm: string;
  readonly secret: string;
  readonly maxAllocationsPerUser: number;
  readonly nonceLifetimeSeconds: number;
}

const METHOD_NAMES: ReadonlyMap<number, TurnMethodName> = new Map([
  [StunMethod.Binding, 'binding'],
  [StunMethod.Allocate, 'allocate'],
  [StunMethod.Refresh, 'refresh'],
  [StunMethod.CreatePermission, 'create-permission'],
  [StunMethod.ChannelBind, 'channel-bind'],
]);

/** Refusals logged as events of their own: peer-denied, auth-rejected, quota-exceeded. */
const REFUSALS_WITH_OWN_EVENT = new Set([403, 441, 486]);

export class TurnServer {
  private readonly allocations: AllocationTable;
  private readonly lifecycle: AllocationLifecycle;
  private readonly peerRequests: PeerRequests;
  private readonly dataPath: RelayDataPath;
  private readonly authentication: RestAuthentication;
  private closing = false;

  constructor(private readonly config: TurnServerConfig) {
    this.allocations = new AllocationTable(config.maxAllocationsPerUser);
    this.authentication = new RestAuthentication(config);
    this.dataPath = new RelayDataPath({
      allocations: this.allocations,
      peerAccess: config.peerAccess,
      log: config.log,
    });
    this.lifecycle = new AllocationLifecycle(config, this.allocations, this.dataPath);
    this.peerRequests = new PeerRequests(config);
  }

  allocationCount(): number {
    return this.allocations.size;
  }

  relayedBytes(): RelayedBytes {
    return this.dataPath.relayedBytes;
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
      const allocation = this.lifecycle.live(fiveTuple);
      if (allocation !== undefined) this.dataPath.relayChannelData(allocation, frame);
    } catch (error) {
      this.config.log({ type: 'error', where: 'channel-data', code: errorCode(error) });
    }
  }

  /** A TCP connection ended: its allocation goes with it (RFC 8656 section 7.2). */
  linkClosed(link: ClientLink): void {
    this.lifecycle.linkClosed(link);
  }

  /** Closes every allocation, reservation and timer. Idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    await this.lifecycle.closeAll();
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
    link.send(encodeAnswer(header, { code: 400 }, undefined, false), 'control');
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
      const refusal: Refusal = {
        code: auth.code,
        attributes: auth.challenge
          ? [
              { type: StunAttribute.Realm, value: Buffer.from(this.config.realm) },
              { type: StunAttribute.Nonce, value: Buffer.from(this.authentication.issueNonce()) },
            ]
          : [],
      };
      const fingerprint = message.fingerprint === 'valid';
      link.send(encodeAnswer(message, refusal, undefined, fingerprint), 'control');
      return;
    }
    const unknown = unknownAttributes(message, message.method === StunMethod.Allocate);
    if (unknown.length > 0) {
      this.answer(link, message, method, unknownAttributesRefusal(unknown), auth);
      return;
    }
    const allocation = this.lifecycle.live(link.key);
    if (message.method === StunMethod.Allocate) {
      this.lifecycle.allocate(link, message, auth, allocation, (outcome) =>
        this.answer(link, message, 'allocate', outcome, auth),
      );
      return;
    }
    // RFC 8656 section 5: requests on an allocation come with the credential that made it.
    if (allocation !== undefined && allocation.username !== auth.username) {
      this.config.log({ type: 'auth-rejected', reason: 'wrong-credentials' });
      this.answer(link, message, method, { code: 441 }, auth);
      return;
    }
    this.answer(link, message, method, this.onAllocation(message, allocation), auth);
  }

  /** Refresh, CreatePermission or ChannelBind: each answers 437 when there is no allocation. */
  private onAllocation(
    message: DecodedStunMessage,
    allocation: RelayAllocation | undefined,
  ): RequestOutcome {
    switch (message.method) {
      case StunMethod.Refresh:
        return this.lifecycle.refresh(message, allocation);
      case StunMethod.CreatePermission:
        return this.peerRequests.createPermission(message, allocation);
      default:
        return this.peerRequests.channelBind(message, allocation);
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
    outcome: RequestOutcome,
    auth: Authenticated | undefined,
  ): void {
    if (isRefusal(outcome) && !REFUSALS_WITH_OWN_EVENT.has(outcome.code)) {
      this.config.log({ type: 'request-refused', method, code: outcome.code });
    }
    const fingerprint = message.fingerprint === 'valid';
    link.send(encodeAnswer(message, outcome, auth?.key, fingerprint), 'control');
  }

  private binding(link: ClientLink, message: DecodedStunMessage): RequestOutcome {
    const unknown = unknownAttributes(message, false);
    if (unknown.length > 0) return unknownAttributesRefusal(unknown);
    return [
      {
        type: StunAttribute.XorMappedAddress,
        value: encodeXorAddress(link.remote, message.transactionId),
      },
    ];
  }

  /**
   * Send indication: client to peer. Unauthenticated by design (RFC 8656
   * section 11.2), so only a live allocation's permissions let it through;
   * anything wrong with it drops it, since indications are never answered.
   */
  private receiveSend(link: ClientLink, message: DecodedStunMessage): void {
    const allocation = this.lifecycle.live(link.key);
    if (allocation === undefined) return;
    const send = readSendIndication(message);
    if (send !== undefined) this.dataPath.relayToPeer(allocation, send.peer, send.data);
  }
}
