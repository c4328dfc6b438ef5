import { randomBytes } from 'node:crypto';
/**
 * A small STUN/TURN codec (RFC 8489, RFC 8656): enough for a TURN client that
 * allocates, authenticates, relays and checks a server. Independent of
 * node-turn on purpose, so tests of the embedded server do not grade node-turn
 * with node-turn's own encoder.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
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
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  ChannelNumber: 0x000c,
  Lifetime: 0x000d,
  XorPeerAddress: 0x0012,
  Data: 0x0013,
  Realm: 0x0014,
  Nonce: 0x0015,
  XorRelayedAddress: 0x0016,
  RequestedTransport: 0x0019,
  XorMappedAddress: 0x0020,
  Software: 0x8022,
  Fingerprint: 0x8028,
} as const;

export const MAGIC_COOKIE = 0x2112a442;
export const TRANSPORT_UDP = 17;
const FINGERPRINT_XOR = 0x5354554e;
const HEADER_LENGTH = 20;

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
}

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

function encodeAttribute(type: number, value: Buffer): Buffer {
  const padding = (4 - (value.length % 4)) % 4;
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc(padding)]);
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1 with this key). */
  readonly integrityKey?: Buffer;
  /** Adds FINGERPRINT. */
  readonly fingerprint?: boolean;
}

export function encodeStunMessage(message: StunMessage, options: EncodeOptions = {}): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
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
 * A Send (client to server) or Data (server to client) indication: payload
 * bytes to or from a peer, the TURN alternative to ChannelData.
 */
export function encodePeerDataIndication(
  method: typeof StunMethod.Send | typeof StunMethod.Data,
  peer: TransportAddress,
  data: Buffer,
  options: EncodeOptions = {},
): Buffer {
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

/** STUN messages start with two zero bits; ChannelData with 0b01. */
export function isStunMessage(datagram: Buffer): boolean {
  return datagram.length >= HEADER_LENGTH && (datagram[0] ?? 0xff) >> 6 === 0;
}

export function decodeStunMessage(datagram: Buffer): DecodedStunMessage | undefined {
  if (!isStunMessage(datagram) || datagram.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  const length = datagram.readUInt16BE(2);
  if (length % 4 !== 0 || HEADER_LENGTH + length > datagram.length) return undefined;
  const type = datagram.readUInt16BE(0);
  const method = ((type >> 2) & 0xf80) | ((type >> 1) & 0x070) | (type & 0x00f);
  const cls = (((type >> 7) & 0b10) | ((type >> 4) & 0b01)) as StunClass;
  const attributes: StunAttributeValue[] = [];
  let integrityOffset: number | undefined;
  let offset = HEADER_LENGTH;
  const end = HEADER_LENGTH + length;
  while (offset + 4 <= end) {
    const attributeType = datagram.readUInt16BE(offset);
    const valueLength = datagram.readUInt16BE(offset + 2);
    if (offset + 4 + valueLength > end) return undefined;
    if (attributeType === StunAttribute.MessageIntegrity) integrityOffset = offset;
    attributes.push({
      type: attributeType,
      value: datagram.subarray(offset + 4, offset + 4 + valueLength),
    });
    offset += 4 + valueLength + ((4 - (valueLength % 4)) % 4);
  }
  return {
    method,
    class: cls,
    transactionId: datagram.subarray(8, 20),
    attributes,
    raw: datagram.subarray(0, end),
    integrityOffset,
  };
}

export function findAttribute(message: StunMessage, type: number): Buffer | undefined {
  return message.attributes.find((attribute) => attribute.type === type)?.value;
}

export type IntegrityCheck = 'valid' | 'invalid' | 'absent';

export function checkMessageIntegrity(message: DecodedStunMessage, key: Buffer): IntegrityCheck {
  const offset = message.integrityOffset;
  if (offset === undefined) return 'absent';
  const covered = Buffer.from(message.raw.subarray(0, offset));
  covered.writeUInt16BE(offset + 24 - HEADER_LENGTH, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  const given = message.raw.subarray(offset + 4, offset + 24);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
}

/** Encodes XOR-PEER-ADDRESS & co. Text with a colon is sent as IPv6, even `::ffff:a.b.c.d`. */
export function encodeXorAddress(peer: TransportAddress, transactionId: Buffer): Buffer {
  const bytes = parseIp(peer.address);
  if (bytes === undefined) throw new RangeError('peer address must be an IP literal');
  const isIpv6 = peer.address.includes(':');
  const value = Buffer.alloc(isIpv6 ? 20 : 8);
  value.writeUInt8(isIpv6 ? 0x02 : 0x01, 1);
  value.writeUInt16BE(peer.port ^ (MAGIC_COOKIE >>> 16), 2);
  const key = Buffer.alloc(16);
  key.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(key, 4);
  const address = isIpv6 ? bytes : bytes.subarray(12);
  for (const [index, byte] of address.entries()) value[4 + index] = byte ^ (key[index] ?? 0);
  return value;
}

export function decodeXorAddress(value: Buffer, transactionId: Buffer): TransportAddress {
  const family = value.readUInt8(1);
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const key = Buffer.alloc(16);
  key.writeUInt32BE(MAGIC_COOKIE, 0);
  transactionId.copy(key, 4);
  const length = family === 0x01 ? 4 : 16;
  const address = Uint8Array.from(value.subarray(4, 4 + length), (byte, i) => byte ^ (key[i] ?? 0));
  if (address.length !== length) throw new RangeError('truncated address attribute');
  return { address: family === 0x01 ? address.join('.') : formatIpv6(address), port };
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

export interface ChannelData {
  readonly channel: number;
  readonly data: Buffer;
}

/** ChannelData: channel number, length, data. UDP needs no padding; we add none. */
export function encodeChannelData(channel: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(channel, 0);
  header.writeUInt16BE(data.length, 2);
  return Buffer.concat([header, data]);
}

export function decodeChannelData(datagram: Buffer): ChannelData | undefined {
  if (datagram.length < 4 || (datagram[0] ?? 0) >> 6 !== 0b01) return undefined;
  const length = datagram.readUInt16BE(2);
  if (4 + length > datagram.length) return undefined;
  return { channel: datagram.readUInt16BE(0), data: datagram.subarray(4, 4 + length) };
}
