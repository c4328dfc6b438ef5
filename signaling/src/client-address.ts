/**
 * Who a connection is, as far as limits go: the client address a request
 * came from (through trusted proxies) and the part of it that identifies a
 * client. Never written anywhere; the metadata log gets a pseudonym of it.
 */
import type { IncomingMessage } from 'node:http';
import { formatIp, isIpv4Mapped, parseIp } from '@mayfly/turn';
/** Bits of an IPv6 address that identify one client: a home's delegated prefix (see below). */
export const IPV6_CLIENT_PREFIX_BITS = 56;

/**
 * The part of an address that identifies a client, for every per-address
 * rule (limits, blocks, reports, bans, cool-downs): the whole IPv4 address
 * (also when IPv4-mapped), or the /56 prefix of an IPv6 one. A host picks its
 * own interface id, and a home router hands each of its networks a /64 of
 * the prefix its provider delegated, most often a /56 (RIPE-690, and what
 * many providers give; some give a /48, some phones a lone /64). Keyed on
 * the /64, one household could report as several people and leave a ban by
 * moving to another of its /64s; keyed on the /56 it cannot, at the price
 * that strangers sharing a /56 share its limits, as people behind one IPv4
 * NAT do. Anything else is returned as it is.
 */
export function clientAddressKey(address: string): string {
  const bytes = parseIp(address);
  if (bytes === undefined) return address;
  if (isIpv4Mapped(bytes)) return formatIp(bytes);
  const prefix = bytes.slice();
  prefix.fill(0, IPV6_CLIENT_PREFIX_BITS / 8);
  return `${formatIp(prefix)}/${IPV6_CLIENT_PREFIX_BITS}`;
}

/**
 * The client address of a request: the socket's peer, or with
 * `trustProxyHops` proxies in front, the address the outermost trusted
 * proxy saw (counted from the right of X-Forwarded-For).
 */
export function clientAddressOf(request: IncomingMessage, trustProxyHops: number): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops === 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return forwarded[forwarded.length - trustProxyHops] ?? forwarded[0] ?? peer;
}
