/**
 * Who a connection is, as far as limits go: the client address a request
 * came from (through trusted proxies) and the part of it that identifies a
 * client. Never written anywhere; the metadata log gets a pseudonym of it.
 */
import type { IncomingMessage } from 'node:http';
import { formatIp, isIpv4Mapped, parseIp } from '@mayfly/turn';
/**
 * The part of an address that identifies a client: the whole IPv4 address
 * (also when IPv4-mapped), or the /64 prefix of an IPv6 one (a host picks its
 * own interface id). Anything else is returned as it is.
 */
export function clientAddressKey(address: string): string {
  const bytes = parseIp(address);
  if (bytes === undefined) return address;
  if (isIpv4Mapped(bytes)) return formatIp(bytes);
  const prefix = bytes.slice();
  prefix.fill(0, 8);
  return `${formatIp(prefix)}/64`;
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
