/**
 * The STUN/TURN codec (RFC 8489, RFC 8656) of the embedded server and of its
 * test and health-check client. Decoding is strict, because a server must
 * tell "not STUN at all" (ignored) from "a STUN request it cannot accept"
 * (answered 400): see {@link decodeStun}. The hot paths, ChannelData and Data
 * indications, are encoded into a single buffer each.
 *
 * Sharing one codec between server and test client would let a bug hide on
 * both sides; independent implementations keep it honest: coturn's
 * turnutils_uclient and Firefox against the server, coturn against the
 * client (test/uclient.test.ts, test/firefox.test.ts, test/coturn.test.ts),
 * and hand-written bytes in test/stun.test.ts.
 */
import { createHash, createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { formatIpv6, parseIp } from './ip-address.js';

export const StunMethod = {
  Binding: 0x001,
  Allocate: 0x003,
  Refresh: 0x004,
  Send: 0x006,
  Data: 0x007,
  CreatePermission: 0x008,
  ChannelBind: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

export const StunClass = {
  Request: 0,
  Indication: 1,
  SuccessResponse: 2,
  ErrorResponse: 3,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

export const StunAttribute = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedAddressFamily: 0x0017,
  EvenPort: 0x0018,
  RequestedTransport: 0x0019,
  DontFragment: 0x001a,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  ReservationToken: 0x0022,
  AdditionalAddressFamily: 0x8000,
  AddressErrorCode: 0x8001,
  PasswordAlgorithms: 0x8002,
  AlternateDomain: 0x8003,
  Icmp: 0x8004,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
} as const;

/** Values of REQUESTED-ADDRESS-FAMILY, ADDITIONAL-ADDRESS-FAMILY and the address attributes. */
export const AddressFamily = { IPv4: 0x01, IPv6: 0x02 } as const;

export const MAGIC_COOKIE = 0x2112a442;
export const TRANSPORT_UDP = 17;
export const TRANSPORT_TCP = 6;
const FINGERPRINT_XOR = 0x5354554e;
export const STUN_HEADER_LENGTH = 20;
export const CHANNEL_DATA_HEADER_LENGTH = 4;

/** Attribute types 0x0000-0x7fff must be understood by whoever processes the message. */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

export interface TransportAddress {
  readonly address: string;
  readonly port: number;
}

export interface StunAttributeValue {
  readonly type: number;
  readonly value: Buffer;
}

export interface StunMessage {
  readonly method: number;
  readonly class: StunClass;
  /** 12 bytes. */
  readonly transactionId: Buffer;
  readonly attributes: readonly StunAttributeValue[];
}

export interface DecodedStunMessage extends StunMessage {
  readonly raw: Buffer;
  /** Byte offset of the MESSAGE-INTEGRITY attribute header, if present. */
  readonly integrityOffset: number | undefined;
  /** Whether a FINGERPRINT attribute was present, and whether its CRC matched. */
  readonly fingerprint: 'absent' | 'valid' | 'invalid';
}

/** The fixed part of a STUN message: readable even when the body is not. */
export interface StunHeader {
  readonly method: number;
  readonly class: StunClass;
  readonly transactionId: Buffer;
}

/**
 * - `not-stun`: the first bits, the magic cookie or the size say this is not
 *   a STUN message of RFC 5389 or later; nothing to answer.
 * - `malformed`: a STUN header whose body breaks the framing rules
 *   (truncated or overlong attributes, a length that does not match, bytes
 *   after FINGERPRINT). A request gets 400 Bad Request.
 */
export type StunDecodeResult =
  | { readonly ok: true; readonly message: DecodedStunMessage }
  | { readonly ok: false; readonly reason: 'not-stun' }
  | { readonly ok: false; readonly reason: 'malformed'; readonly header: StunHeader };

/** MD5(username:realm:password): the long-term credential key. */
export function longTermKey(username: string, realm: string, password: string): Buffer {
  return createHash('md5').update(`${username}:${realm}:${password}`).digest();
}

function messageType(method: number, cls: StunClass): number {
  return (
    ((method & 0xf80) << 2) |
    ((method & 0x070) << 1) |
    (method & 0x00f) |
    ((cls & 0b10) << 7) |
    ((cls & 0b01) << 4)
  );
}

/** Bytes that pad a value of `length` bytes to a multiple of four. */
export function paddingOf(length: number): number {
  return (4 - (length % 4)) % 4;
}

function encodeAttribute(type: number, value: Buffer): Buffer {
  const encoded = Buffer.alloc(4 + value.length + paddingOf(value.length));
  encoded.writeUInt16BE(type, 0);
  encoded.writeUInt16BE(value.length, 2);
  value.copy(encoded, 4);
  return encoded;
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1 with this key). */
  readonly integrityKey?: Buffer;
  /** Adds FINGERPRINT. */
  readonly fingerprint?: boolean;
}

export function encodeStunMessage(message: StunMessage, options: EncodeOptions = {}): Buffer {
  const header = Buffer.alloc(STUN_HEADER_LENGTH);
  header.writeUInt16BE(messageType(message.method, message.class), 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  message.transactionId.copy(header, 8);
  let body = Buffer.concat(message.attributes.map((a) => encodeAttribute(a.type, a.value)));
  const withLength = (extra: number): Buffer => {
    header.writeUInt16BE(body.length + extra, 2);
    return Buffer.concat([header, body]);
  };
  if (options.integrityKey !== undefined) {
    // The HMAC covers the message with its length already counting MESSAGE-INTEGRITY.
    const hmac = createHmac('sha1', options.integrityKey).update(withLength(24)).digest();
    body = Buffer.concat([body, encodeAttribute(StunAttribute.MessageIntegrity, hmac)]);
  }
  if (options.fingerprint === true) {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE((crc32(withLength(8)) ^ FINGERPRINT_XOR) >>> 0);
    body = Buffer.concat([body, encodeAttribute(StunAttribute.Fingerprint, crc)]);
  }
  return withLength(0);
}

/**
 * Transaction ids for indications the relay sends per datagram: random, from
 * a pool refilled 4 KB at a time rather than a system call per datagram.
 */
class TransactionIdPool {
  private readonly pool = Buffer.alloc(12 * 341);
  private offset = this.pool.length;

  take(target: Buffer, at: number): void {
    if (this.offset + 12 > this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    this.pool.copy(target, at, this.offset, this.offset + 12);
    this.offset += 12;
  }
}
const indicationIds = new TransactionIdPool();

/** Writes an XOR address attribute value (8 or 20 bytes) at `at`; `bytes` is 16 (IPv6 form). */
function writeXorAddress(
  target: Buffer,
  at: number,
  bytes: Uint8Array,
  ipv6: boolean,
  port: number,
  transactionId: Buffer,
): void {
  target[at] = 0;
  target[at + 1] = ipv6 ? AddressFamily.IPv6 : AddressFamily.IPv4;
  target.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), at + 2);
  if (ipv6) {
    for (let i = 0; i < 16; i += 1) {
      const key = i < 4 ? (MAGIC_COOKIE >>> (24 - i * 8)) & 0xff : (transactionId[i - 4] ?? 0);
      target[at + 4 + i] = (bytes[i] ?? 0) ^ key;
    }
  } else {
    for (let i = 0; i < 4; i += 1) {
      target[at + 4 + i] = (bytes[12 + i] ?? 0) ^ ((MAGIC_COOKIE >>> (24 - i * 8)) & 0xff);
    }
  }
}

/**
 * A Send (client to server) or Data (server to client) indication: payload
 * bytes to or from a peer, the TURN alternative to ChannelData. Text with a
 * colon is sent as IPv6, even `::ffff:a.b.c.d`.
 */
export function encodePeerDataIndication(
  method: typeof StunMethod.Send | typeof StunMethod.Data,
  peer: TransportAddress,
  data: Buffer,
  options: EncodeOptions = {},
): Buffer {
  const bytes = parseIp(peer.address);
  if (bytes === undefined) throw new RangeError('peer address must be an IP literal');
  const ipv6 = peer.address.includes(':');
  if (options.integrityKey !== undefined || options.fingerprint === true) {
    const transactionId = randomBytes(12);
    return encodeStunMessage(
      {
        method,
        class: StunClass.Indication,
        transactionId,
        attributes: [
          { type: StunAttribute.XorPeerAddress, value: encodeXorAddress(peer, transactionId) },
          { type: StunAttribute.Data, value: data },
        ],
      },
      options,
    );
  }
  const addressLength = ipv6 ? 20 : 8;
  const bodyLength = 4 + addressLength + 4 + data.length + paddingOf(data.length);
  const datagram = Buffer.allocUnsafe(STUN_HEADER_LENGTH + bodyLength);
  datagram.writeUInt16BE(messageType(method, StunClass.Indication), 0);
  datagram.writeUInt16BE(bodyLength, 2);
  datagram.writeUInt32BE(MAGIC_COOKIE, 4);
  indicationIds.take(datagram, 8);
  datagram.writeUInt16BE(StunAttribute.XorPeerAddress, 20);
  datagram.writeUInt16BE(addressLength, 22);
  writeXorAddress(datagram, 24, bytes, ipv6, peer.port, datagram.subarray(8, 20));
  const dataAt = 24 + addressLength;
  datagram.writeUInt16BE(StunAttribute.Data, dataAt);
  datagram.writeUInt16BE(data.length, dataAt + 2);
  data.copy(datagram, dataAt + 4);
  datagram.fill(0, dataAt + 4 + data.length);
  return datagram;
}

/** STUN messages start with two zero bits; ChannelData with 0b01. */
export function isStunMessage(datagram: Buffer): boolean {
  return datagram.length >= STUN_HEADER_LENGTH && (datagram[0] ?? 0xff) >> 6 === 0;
}

function headerOf(datagram: Buffer): StunHeader {
  const type = datagram.readUInt16BE(0);
  return {
    method: ((type >> 2) & 0xf80) | ((type >> 1) & 0x070) | (type & 0x00f),
    class: (((type >> 7) & 0b10) | ((type >> 4) & 0b01)) as StunClass,
    transactionId: datagram.subarray(8, 20),
  };
}

/**
 * Decodes one STUN message that fills `datagram` exactly (a UDP datagram, or
 * one frame cut from a TCP stream). RFC 8489 section 14.5: attributes after
 * MESSAGE-INTEGRITY other than FINGERPRINT are ignored; nothing may follow
 * FINGERPRINT.
 */
export function decodeStun(datagram: Buffer): StunDecodeResult {
  if (!isStunMessage(datagram) || datagram.readUInt32BE(4) !== MAGIC_COOKIE) {
    return { ok: false, reason: 'not-stun' };
  }
  const header = headerOf(datagram);
  const length = datagram.readUInt16BE(2);
  const end = STUN_HEADER_LENGTH + length;
  if (length % 4 !== 0 || end !== datagram.length)
    return { ok: false, reason: 'malformed', header };
  const attributes: StunAttributeValue[] = [];
  let integrityOffset: number | undefined;
  let fingerprint: DecodedStunMessage['fingerprint'] = 'absent';
  let offset = STUN_HEADER_LENGTH;
  while (offset < end) {
    if (offset + 4 > end || fingerprint !== 'absent') {
      return { ok: false, reason: 'malformed', header };
    }
    const type = datagram.readUInt16BE(offset);
    const valueLength = datagram.readUInt16BE(offset + 2);
    const valueEnd = offset + 4 + valueLength;
    if (valueEnd > end) return { ok: false, reason: 'malformed', header };
    const value = datagram.subarray(offset + 4, valueEnd);
    if (type === StunAttribute.Fingerprint) {
      if (valueLength !== 4) return { ok: false, reason: 'malformed', header };
      const covered = Buffer.from(datagram.subarray(0, offset));
      covered.writeUInt16BE(offset + 8 - STUN_HEADER_LENGTH, 2);
      fingerprint =
        (crc32(covered) ^ FINGERPRINT_XOR) >>> 0 === value.readUInt32BE(0) ? 'valid' : 'invalid';
    } else if (integrityOffset === undefined) {
      if (type === StunAttribute.MessageIntegrity) integrityOffset = offset;
      attributes.push({ type, value });
    }
    offset = valueEnd + paddingOf(valueLength);
  }
  return {
    ok: true,
    message: { ...header, attributes, raw: datagram, integrityOffset, fingerprint },
  };
}

/** The message in `datagram`, or undefined when it is not a well-formed STUN message. */
export function decodeStunMessage(datagram: Buffer): DecodedStunMessage | undefined {
  const decoded = decodeStun(datagram);
  return decoded.ok ? decoded.message : undefined;
}

export function findAttribute(message: StunMessage, type: number): Buffer | undefined {
  return message.attributes.find((attribute) => attribute.type === type)?.value;
}

export type IntegrityCheck = 'valid' | 'invalid' | 'absent';

export function checkMessageIntegrity(message: DecodedStunMessage, key: Buffer): IntegrityCheck {
  const offset = message.integrityOffset;
  if (offset === undefined) return 'absent';
  const given = message.raw.subarray(offset + 4, offset + 24);
  if (message.raw.readUInt16BE(offset + 2) !== 20) return 'invalid';
  const covered = Buffer.from(message.raw.subarray(0, offset));
  covered.writeUInt16BE(offset + 24 - STUN_HEADER_LENGTH, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}

/** Encodes XOR-PEER-ADDRESS & co. Text with a colon is sent as IPv6, even `::ffff:a.b.c.d`. */
export function encodeXorAddress(peer: TransportAddress, transactionId: Buffer): Buffer {
  const bytes = parseIp(peer.address);
  if (bytes === undefined) throw new RangeError('peer address must be an IP literal');
  const ipv6 = peer.address.includes(':');
  const value = Buffer.alloc(ipv6 ? 20 : 8);
  writeXorAddress(value, 0, bytes, ipv6, peer.port, transactionId);
  return value;
}

/**
 * Decodes XOR-MAPPED-ADDRESS & co; throws a RangeError on a wrong length or
 * an unknown family (the caller answers 400).
 */
export function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress {
  const family = value.length >= 2 ? value.readUInt8(1) : 0;
  const length = family === AddressFamily.IPv4 ? 4 : family === AddressFamily.IPv6 ? 16 : 0;
  if (length === 0 || value.length !== 4 + length) {
    throw new RangeError('malformed address attribute');
  }
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const key = Buffer.alloc(16);
  key.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(key, 4);
  const address = Uint8Array.from(value.subarray(4), (byte, i) => byte ^ (key[i] ?? 0));
  return { address: length === 4 ? address.join('.') : formatIpv6(address), port };
}

/** The family byte of an address attribute (XOR-PEER-ADDRESS...), or undefined if malformed. */
export function addressFamilyOf(value: Buffer): number | undefined {
  const family = value.length >= 2 ? value.readUInt8(1) : undefined;
  if (family === AddressFamily.IPv4 && value.length === 8) return family;
  if (family === AddressFamily.IPv6 && value.length === 20) return family;
  return undefined;
}

export interface StunErrorCode {
  readonly code: number;
  readonly reason: string;
}

export function decodeErrorCode(value: Buffer): StunErrorCode {
  return {
    code: (value.readUInt8(2) & 0x07) * 100 + value.readUInt8(3),
    reason: value.subarray(4).toString('utf8'),
  };
}

/** ERROR-CODE: class and number, then the reason phrase (UTF-8). */
export function encodeErrorCode(code: number, reason: string): Buffer {
  const phrase = Buffer.from(reason, 'utf8');
  const value = Buffer.alloc(4 + phrase.length);
  value.writeUInt8(Math.floor(code / 100), 2);
  value.writeUInt8(code % 100, 3);
  phrase.copy(value, 4);
  return value;
}

/** ADDRESS-ERROR-CODE (RFC 8656 section 18.12): a family, then an ERROR-CODE-like body. */
export function encodeAddressErrorCode(family: number, code: number, reason: string): Buffer {
  const value = encodeErrorCode(code, reason);
  value.writeUInt8(family, 0);
  return value;
}

export function encodeUnknownAttributes(types: readonly number[]): Buffer {
  const value = Buffer.alloc(types.length * 2);
  types.forEach((type, index) => value.writeUInt16BE(type, index * 2));
  return value;
}

export function encodeUint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

export function encodeChannelNumber(channel: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt16BE(channel);
  return buffer;
}

export function encodeRequestedTransport(protocol: number): Buffer {
  return Buffer.from([protocol, 0, 0, 0]);
}

/** REQUESTED-ADDRESS-FAMILY and ADDITIONAL-ADDRESS-FAMILY: the family byte, then RFFU. */
export function encodeAddressFamily(family: number): Buffer {
  return Buffer.from([family, 0, 0, 0]);
}

/** EVEN-PORT: the R bit asks the server to reserve the next port too. */
export function encodeEvenPort(reserveNext: boolean): Buffer {
  return Buffer.from([reserveNext ? 0x80 : 0]);
}

export interface ChannelData {
  readonly channel: number;
  readonly data: Buffer;
}

/**
 * ChannelData: channel number, length, data. Over UDP no padding (RFC 8656
 * section 12.5 allows none); over TCP padded to a multiple of four bytes,
 * which the length field does not count.
 */
export function encodeChannelData(channel: number, data: Buffer, padded = false): Buffer {
  const padding = padded ? paddingOf(data.length) : 0;
  const frame = Buffer.allocUnsafe(CHANNEL_DATA_HEADER_LENGTH + data.length + padding);
  frame.writeUInt16BE(channel, 0);
  frame.writeUInt16BE(data.length, 2);
  data.copy(frame, CHANNEL_DATA_HEADER_LENGTH);
  if (padding > 0) frame.fill(0, CHANNEL_DATA_HEADER_LENGTH + data.length);
  return frame;
}

/** ChannelData in a datagram or frame; padding after the data is allowed and ignored. */
export function decodeChannelData(datagram: Buffer): ChannelData | undefined {
  if (datagram.length < 4 || (datagram[0] ?? 0) >> 6 !== 0b01) return undefined;
  const length = datagram.readUInt16BE(2);
  if (4 + length > datagram.length) return undefined;
  return { channel: datagram.readUInt16BE(0), data: datagram.subarray(4, 4 + length) };
}
