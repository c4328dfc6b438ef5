/**
 * What the embedded server reads from a request's attributes, as pure
 * functions: which comprehension-required attributes it does not understand
 * (420), and what an Allocate asks for once its attributes are checked
 * (RFC 8656 section 7.2, steps 3-7).
 */
import type { IpFamily } from './ip-address.js';
import type { Refusal } from './request-answer.js';
import {
  AddressFamily,
  StunAttribute,
  TRANSPORT_UDP,
  findAttribute,
  isComprehensionRequired,
} from './stun.js';
import type { DecodedStunMessage } from './stun.js';
import type { PortShape } from './udp-sockets.js';

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

/** Attributes an Allocate may carry once at most. */
const ONCE_IN_ALLOCATE = [
  StunAttribute.RequestedTransport,
  StunAttribute.Lifetime,
  StunAttribute.EvenPort,
  StunAttribute.ReservationToken,
  StunAttribute.RequestedAddressFamily,
  StunAttribute.AdditionalAddressFamily,
];

/** Unknown comprehension-required attributes of a message, each type once, in order. */
export function unknownAttributes(
  message: DecodedStunMessage,
  dontFragmentUnknown: boolean,
): number[] {
  const unknown: number[] = [];
  for (const { type } of message.attributes) {
    const isUnknown =
      isComprehensionRequired(type) &&
      (!UNDERSTOOD.has(type) || (dontFragmentUnknown && type === StunAttribute.DontFragment));
    if (isUnknown && !unknown.includes(type)) unknown.push(type);
  }
  return unknown;
}

/** A 4-byte attribute's first byte (REQUESTED-TRANSPORT, the address family ones); undefined if absent. */
export function leadingByte(value: Buffer | undefined): number | undefined | 'malformed' {
  if (value === undefined) return undefined;
  return value.length === 4 ? (value[0] ?? 0) : 'malformed';
}

/** The address family attributes' value for an IP family. */
export function familyNumber(family: IpFamily): number {
  return family === 4 ? AddressFamily.IPv4 : AddressFamily.IPv6;
}

/** What an Allocate asks for, once its attributes are checked. */
export interface AllocateRequest {
  readonly lifetime: number | undefined;
  readonly shape: PortShape;
  readonly reservationToken: Buffer | undefined;
  /** ADDITIONAL-ADDRESS-FAMILY asked for an IPv6 relay too, which this server does not have. */
  readonly refusedAdditionalFamily: boolean;
}

/**
 * Checks an Allocate's attributes for a server relaying in `relayFamily`:
 * what it asks for, or its refusal (400 malformed or conflicting, 440 a
 * family not served, 442 a relay transport other than UDP).
 */
export function readAllocateRequest(
  message: DecodedStunMessage,
  relayFamily: IpFamily,
): AllocateRequest | Refusal {
  const repeated = ONCE_IN_ALLOCATE.some(
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
  const ownFamily = familyNumber(relayFamily);
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
