/**
 * IP addresses and CIDR ranges as 16 bytes.
 *
 * Every address is held in IPv6 form and IPv4 in its IPv4-mapped form
 * (`::ffff:a.b.c.d`). That way `127.0.0.1`, `::ffff:127.0.0.1` and
 * `0:0:0:0:0:ffff:7f00:1` are the same bytes, so a rule written for one is a
 * rule for all of them: the IPv4-mapped bypass of coturn's deny list
 * (CVE-2026-27624) cannot happen here by construction.
 */
import { isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

/** A range of addresses: the first `prefixLength` of 128 bits of `network`. */
export interface IpRange {
  readonly network: Uint8Array;
  readonly prefixLength: number;
}

const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

// Decimal octets without leading zeros: `010.0.0.1` is octal to inet_aton and
// must not be read as ten.
const IPV4_PATTERN =
  /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/u;

function parseIpv4Octets(text: string): number[] | undefined {
  return IPV4_PATTERN.test(text) ? text.split('.').map(Number) : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  // A zone index (`fe80::1%eth0`) names an interface of this host: never a peer.
  if (text.includes('%') || !isIPv6(text)) return undefined;
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  const dottedTail = text.slice(lastColon + 1);
  if (dottedTail.includes('.')) {
    const octets = parseIpv4Octets(dottedTail);
    if (octets === undefined) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    hex = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string | undefined): string[] =>
    part === undefined || part === '' ? [] : part.split(':');
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  for (const [index, group] of groups.entries()) {
    if (!/^[0-9a-f]{1,4}$/iu.test(group)) return undefined;
    const value = Number.parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  }
  return bytes;
}

/** Parses an IPv4 or IPv6 literal; `undefined` for anything else (names, zones, short forms). */
export function parseIp(text: string): Uint8Array | undefined {
  const octets = parseIpv4Octets(text);
  if (octets !== undefined) return Uint8Array.from([...IPV4_MAPPED_PREFIX, ...octets]);
  return parseIpv6(text);
}

export function isIpv4Mapped(bytes: Uint8Array): boolean {
  return IPV4_MAPPED_PREFIX.every((value, index) => bytes[index] === value);
}

/** 4 for IPv4 and IPv4-mapped addresses, 6 otherwise. */
export function ipFamily(bytes: Uint8Array): IpFamily {
  return isIpv4Mapped(bytes) ? 4 : 6;
}

/** Family of an IP literal; throws a RangeError for anything else. */
export function ipFamilyOf(text: string): IpFamily {
  const bytes = parseIp(text);
  if (bytes === undefined) throw new RangeError(`"${text}" is not an IP address`);
  return ipFamily(bytes);
}

function groupsOf(bytes: Uint8Array): number[] {
  return Array.from(
    { length: 8 },
    (_, index) => ((bytes[index * 2] ?? 0) << 8) | (bytes[index * 2 + 1] ?? 0),
  );
}

/** IPv6 text as RFC 5952 recommends: the longest run of zero groups as `::`, mapped IPv4 dotted. */
export function formatIpv6(bytes: Uint8Array): string {
  if (isIpv4Mapped(bytes)) return `::ffff:${bytes.subarray(12).join('.')}`;
  const groups = groupsOf(bytes);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length += 1;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** IPv6 text with all eight groups and no `::` (the only form node-turn's encoder handles). */
export function formatIpv6Expanded(bytes: Uint8Array): string {
  return groupsOf(bytes)
    .map((group) => group.toString(16))
    .join(':');
}

/** Canonical text: dotted quad for IPv4 (and IPv4-mapped), compressed IPv6 otherwise. */
export function formatIp(bytes: Uint8Array): string {
  return isIpv4Mapped(bytes) ? bytes.subarray(12).join('.') : formatIpv6(bytes);
}

const LOOPBACK_RANGES: readonly IpRange[] = [
  { network: Uint8Array.from([...IPV4_MAPPED_PREFIX, 127, 0, 0, 0]), prefixLength: 104 },
  { network: Uint8Array.from([...Array<number>(15).fill(0), 1]), prefixLength: 128 },
];

/** Whether an IP literal is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z). */
export function isLoopbackIp(text: string): boolean {
  const bytes = parseIp(text);
  return bytes !== undefined && LOOPBACK_RANGES.some((range) => rangeContains(range, bytes));
}

/** The canonical text of an address literal, or `undefined` when it is not one. */
export function canonicalIp(text: string): string | undefined {
  const bytes = parseIp(text);
  return bytes === undefined ? undefined : formatIp(bytes);
}

/**
 * Parses `a.b.c.d/n`, `x::y/n` or a bare address (a range of one).
 * Throws a RangeError naming the problem; host bits set is an error, because
 * `10.1.2.3/8` is more often a typo than a wish for all of 10/8.
 */
export function parseCidr(text: string): IpRange {
  const [addressText = '', prefixText, ...rest] = text.trim().split('/');
  const address = parseIp(addressText);
  if (address === undefined || rest.length > 0) {
    throw new RangeError(`"${text}" is not an IP address or CIDR range`);
  }
  const isIpv4Text = !addressText.includes(':');
  const bits = isIpv4Text ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/u.test(prefixText)) {
    throw new RangeError(`"${text}" has an invalid prefix length`);
  }
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) throw new RangeError(`"${text}" has a prefix longer than ${bits} bits`);
  const range = { network: address, prefixLength: isIpv4Text ? 96 + prefix : prefix };
  if (!bytesEqual(rangeBounds(range).first, address)) {
    throw new RangeError(`"${text}" has host bits set; did you mean ${formatCidr(range)}?`);
  }
  return range;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

export function rangeContains(range: IpRange, address: Uint8Array): boolean {
  for (let bit = 0; bit < range.prefixLength; bit += 8) {
    const byte = bit >> 3;
    const bitsHere = Math.min(8, range.prefixLength - bit);
    const mask = (0xff << (8 - bitsHere)) & 0xff;
    if (((range.network[byte] ?? 0) & mask) !== ((address[byte] ?? 0) & mask)) return false;
  }
  return true;
}

/** First and last address of a range. */
export function rangeBounds(range: IpRange): { first: Uint8Array; last: Uint8Array } {
  const first = new Uint8Array(16);
  const last = new Uint8Array(16);
  for (let byte = 0; byte < 16; byte += 1) {
    const bitsHere = Math.max(0, Math.min(8, range.prefixLength - byte * 8));
    const mask = (0xff << (8 - bitsHere)) & 0xff;
    const networkByte = (range.network[byte] ?? 0) & mask;
    first[byte] = networkByte;
    last[byte] = networkByte | (~mask & 0xff);
  }
  return { first, last };
}

/** `a.b.c.d/n` for IPv4 ranges, `x::/n` for IPv6 ones. */
export function formatCidr(range: IpRange): string {
  const { first } = rangeBounds(range);
  return isIpv4Mapped(first) && range.prefixLength >= 96
    ? `${formatIp(first)}/${range.prefixLength - 96}`
    : `${formatIpv6(first)}/${range.prefixLength}`;
}
