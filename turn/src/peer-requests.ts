/**
 * What a client asks about peers: CreatePermission and ChannelBind, which
 * peer-access.ts judges (403 denied, 443 the other address family), and the
 * Send indication, which carries data to a peer without being answered.
 *
 * ChannelBind accepts the channel numbers of RFC 5766 (0x4000-0x7fff), which
 * coturn 4.6's client still picks, not only RFC 8656's 0x4000-0x4fff.
 */
import { canonicalIp, ipFamilyOf } from './ip-address.js';
import type { PeerAccess, PeerGrant } from './peer-access.js';
import type { RelayAllocation } from './relay-allocation.js';
import type { Refusal, RequestOutcome } from './request-answer.js';
import { unknownAttributes } from './request-attributes.js';
import { StunAttribute, addressFamilyOf, decodeXorAddress, findAttribute } from './stun.js';
import type { DecodedStunMessage, TransportAddress } from './stun.js';
import type { TurnLog } from './turn-log.js';

/** RFC 8656 section 12: channel numbers; see the module comment for the upper bound. */
const MIN_CHANNEL = 0x4000;
const MAX_CHANNEL = 0x7fff;

export interface PeerRequestsDeps {
  readonly peerAccess: PeerAccess;
  readonly log: TurnLog;
}

/** A peer a request may reach, and what its permission rests on. */
interface PermittedPeer {
  readonly peer: TransportAddress;
  readonly grant: PeerGrant;
}

export class PeerRequests {
  constructor(private readonly deps: PeerRequestsDeps) {}

  createPermission(
    message: DecodedStunMessage,
    allocation: RelayAllocation | undefined,
  ): RequestOutcome {
    if (allocation === undefined) return { code: 437 };
    const peers = message.attributes.filter(
      (attribute) => attribute.type === StunAttribute.XorPeerAddress,
    );
    if (peers.length === 0) return { code: 400 };
    const granted: PermittedPeer[] = [];
    // All or nothing (RFC 8656 section 9.2): one refused peer refuses the request.
    for (const { value } of peers) {
      const verdict = this.checkPeer(allocation, message, value, 'create-permission');
      if ('code' in verdict) return verdict;
      granted.push(verdict);
    }
    for (const { peer, grant } of granted) allocation.permit(peer.address, grant);
    return [];
  }

  channelBind(
    message: DecodedStunMessage,
    allocation: RelayAllocation | undefined,
  ): RequestOutcome {
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
   * Checks one XOR-PEER-ADDRESS: the peer, and what a permission for it
   * rests on; or the refusal (400 unreadable, 403 denied, 443 other family).
   */
  private checkPeer(
    allocation: RelayAllocation,
    message: DecodedStunMessage,
    value: Buffer,
    request: 'create-permission' | 'channel-bind',
  ): PermittedPeer | Refusal {
    if (addressFamilyOf(value) === undefined) return { code: 400 };
    const decoded = decodeXorAddress(value, message.transactionId);
    const ip = canonicalIp(decoded.address);
    if (ip === undefined) return { code: 400 };
    const grant = this.deps.peerAccess.permissionFor(ip, allocation.localScope);
    if (grant === undefined) {
      this.deps.log({ type: 'peer-denied', request });
      return { code: 403 };
    }
    if (ipFamilyOf(ip) !== allocation.family) return { code: 443 };
    return { peer: { address: ip, port: decoded.port }, grant };
  }
}

/**
 * A Send indication's peer (canonical IP) and data; undefined when anything
 * is wrong with it, which drops it, since indications are never answered.
 * Whether the allocation permits the peer is the data path's to check.
 */
export function readSendIndication(
  message: DecodedStunMessage,
): { readonly peer: TransportAddress; readonly data: Buffer } | undefined {
  if (unknownAttributes(message, true).length > 0) return undefined;
  const peerValue = findAttribute(message, StunAttribute.XorPeerAddress);
  const data = findAttribute(message, StunAttribute.Data);
  if (peerValue === undefined || data === undefined || addressFamilyOf(peerValue) === undefined) {
    return undefined;
  }
  const peer = decodeXorAddress(peerValue, message.transactionId);
  const ip = canonicalIp(peer.address);
  return ip === undefined ? undefined : { peer: { address: ip, port: peer.port }, data };
}
