/**
 * Which peers a TURN relay may send to.
 *
 * A TURN server relays UDP for anyone holding a credential, and every stranger
 * gets one. Without a peer policy a stranger can use the relay to reach the
 * loopback interface and private network of the machine it runs on. The deny
 * list is IANA's special-purpose registries (IPv4 and IPv6) plus multicast and
 * reserved space, which is what coturn's hardening guides recommend as
 * `denied-peer-ip`. The embedded server and the generated coturn config use
 * this one list.
 */
import { parseCidr, parseIp, rangeContains } from './ip-address.js';
import type { IpRange } from './ip-address.js';
import { TurnOptionError } from './errors.js';

export interface DeniedPeerRange {
  /** CIDR notation; IPv4-mapped IPv6 forms are written `::ffff:a.b.c.d/n`. */
  readonly cidr: string;
  /** Why the range is denied, for config comments and reviewers. */
  readonly reason: string;
}

const IPV4_DENIED: readonly DeniedPeerRange[] = [
  { cidr: '0.0.0.0/8', reason: '"this network", including the unspecified 0.0.0.0' },
  { cidr: '10.0.0.0/8', reason: 'private network (RFC 1918)' },
  { cidr: '100.64.0.0/10', reason: 'carrier-grade NAT shared space (RFC 6598)' },
  { cidr: '127.0.0.0/8', reason: 'loopback' },
  { cidr: '169.254.0.0/16', reason: 'link-local, including cloud metadata at 169.254.169.254' },
  { cidr: '172.16.0.0/12', reason: 'private network (RFC 1918)' },
  { cidr: '192.0.0.0/24', reason: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', reason: 'documentation (TEST-NET-1)' },
  { cidr: '192.88.99.0/24', reason: 'deprecated 6to4 relay anycast' },
  { cidr: '192.168.0.0/16', reason: 'private network (RFC 1918)' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking' },
  { cidr: '198.51.100.0/24', reason: 'documentation (TEST-NET-2)' },
  { cidr: '203.0.113.0/24', reason: 'documentation (TEST-NET-3)' },
  { cidr: '224.0.0.0/4', reason: 'multicast' },
  { cidr: '240.0.0.0/4', reason: 'reserved, including the limited broadcast 255.255.255.255' },
];

const IPV6_DENIED: readonly DeniedPeerRange[] = [
  { cidr: '::/128', reason: 'unspecified' },
  { cidr: '::1/128', reason: 'loopback' },
  { cidr: '::/96', reason: 'deprecated IPv4-compatible addresses' },
  {
    cidr: '64:ff9b::/96',
    reason: 'NAT64 well-known prefix: would reach any IPv4 via a translator',
  },
  { cidr: '64:ff9b:1::/48', reason: 'NAT64 local-use prefix' },
  { cidr: '100::/64', reason: 'discard-only' },
  { cidr: '2001::/23', reason: 'IETF protocol assignments, including Teredo and benchmarking' },
  { cidr: '2001:db8::/32', reason: 'documentation' },
  { cidr: '2002::/16', reason: '6to4: embeds an IPv4 address' },
  { cidr: '3fff::/20', reason: 'documentation (RFC 9637)' },
  { cidr: '5f00::/16', reason: 'segment routing (SRv6) SIDs' },
  { cidr: 'fc00::/7', reason: 'unique local addresses (private network)' },
  { cidr: 'fe80::/10', reason: 'link-local' },
  { cidr: 'fec0::/10', reason: 'deprecated site-local' },
  { cidr: 'ff00::/8', reason: 'multicast' },
];

/** `::ffff:a.b.c.d/(96+n)`: the same addresses reached through an IPv6 socket. */
function ipv4MappedForm(range: DeniedPeerRange): DeniedPeerRange {
  const [network = '', prefix = '32'] = range.cidr.split('/');
  return {
    cidr: `::ffff:${network}/${96 + Number(prefix)}`,
    reason: `IPv4-mapped form of ${range.cidr}: ${range.reason}`,
  };
}

/**
 * Every denied range: IPv4, IPv6, then the IPv4-mapped IPv6 form of each IPv4
 * range. The mapped forms are redundant for {@link isPeerAllowed} (it reads
 * `::ffff:127.0.0.1` as `127.0.0.1`) but coturn before 4.9.0 needs them spelled
 * out (CVE-2026-27624).
 */
export const DENIED_PEER_RANGES: readonly DeniedPeerRange[] = Object.freeze([
  ...IPV4_DENIED,
  ...IPV6_DENIED,
  ...IPV4_DENIED.map(ipv4MappedForm),
]);

export interface PeerPolicy {
  /**
   * Ranges (CIDR or single addresses) the relay may reach even though the deny
   * list covers them, e.g. the operator's own private network. @default []
   */
  readonly allowedPeers?: readonly string[];
  /** Ranges the relay must not reach. @default DENIED_PEER_RANGES */
  readonly deniedPeers?: readonly string[];
}

/** Whether a peer address is allowed; throws nothing, unparsable addresses are refused. */
export type PeerCheck = (address: string) => boolean;

function parseAll(option: string, cidrs: readonly string[]): IpRange[] {
  return cidrs.map((cidr) => {
    try {
      return parseCidr(cidr);
    } catch (error) {
      throw new TurnOptionError(option, (error as Error).message);
    }
  });
}

/**
 * Parses a policy once for repeated checks. Throws a TurnOptionError naming
 * the option on a malformed range, so a bad config fails at start-up.
 */
export function compilePeerPolicy(policy: PeerPolicy = {}): PeerCheck {
  const allowed = parseAll('allowedPeers', policy.allowedPeers ?? []);
  const denied = parseAll(
    'deniedPeers',
    policy.deniedPeers ?? DENIED_PEER_RANGES.map((range) => range.cidr),
  );
  return (address) => {
    const bytes = parseIp(address);
    if (bytes === undefined) return false;
    if (allowed.some((range) => rangeContains(range, bytes))) return true;
    return !denied.some((range) => rangeContains(range, bytes));
  };
}

/**
 * Whether the relay may send to `address`: allowed when an `allowedPeers`
 * range contains it, otherwise when no denied range does. IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry. Anything that is not
 * an IP literal (host names, zone indexes, `127.1`) is refused.
 */
export function isPeerAllowed(address: string, policy: PeerPolicy = {}): boolean {
  return compilePeerPolicy(policy)(address);
}
