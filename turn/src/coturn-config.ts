/**
 * Renders a hardened coturn `turnserver.conf` that matches the signaling
 * server's TURN settings (same secret, realm and peer policy as the embedded
 * server). Hardening follows Enable Security's coturn-secure-config.
 */
import { assertTurnSecret } from './credentials.js';
import { TurnOptionError } from './errors.js';
import { formatIp, formatIpv6, parseCidr, rangeBounds } from './ip-address.js';
import { DENIED_PEER_RANGES } from './peer-policy.js';
import type { PortRange } from './embedded.js';
import { integerOption, ipOption } from './options.js';

export interface CoturnTlsOptions {
  readonly certFile: string;
  readonly keyFile: string;
  /** @default 443 */
  readonly port?: number;
}

export interface CoturnConfigOptions {
  /** The TURN REST API secret the signaling server mints credentials with. */
  readonly secret: string;
  readonly realm: string;
  /** UDP and TCP port for plain TURN. @default 3478 */
  readonly listeningPort?: number;
  /** @default all addresses of the host */
  readonly listeningIp?: string;
  /** Local address relay sockets bind to. @default coturn picks from listeningIp */
  readonly relayIp?: string;
  /** Public address announced when the host is behind NAT (e.g. a cloud VM). */
  readonly externalIp?: string;
  /**
   * Adds `allowed-peer-ip` for relayIp and externalIp, so two strangers who
   * both force relay can reach each other through this server.
   * @default true when relayIp or externalIp is set
   */
  readonly allowRelayToRelay?: boolean;
  /** The operator's private ranges that peers may be in (signaling's TURN_ALLOWED_PEERS). @default [] */
  readonly allowedPeers?: readonly string[];
  /** @default coturn's 49152-65535 */
  readonly relayPortRange?: PortRange;
  /** Concurrent allocations per username. @default 10 */
  readonly userQuota?: number;
  /** Concurrent allocations in total. @default 1000 */
  readonly totalQuota?: number;
  /** Bytes per second one session may relay; 500000 is about 4 Mbit/s, enough for HD video. @default 500000 */
  readonly maxBps?: number;
  /** @default 600 */
  readonly staleNonceSeconds?: number;
  /** Serve `turns:` on TLS; without it the config carries commented guidance. */
  readonly tls?: CoturnTlsOptions;
}

/** A config value must stay on its line and not start a comment. */
function configValue(option: string, value: string): string {
  if (!/^[\x21-\x7e]+$/u.test(value) || value.includes('#')) {
    throw new TurnOptionError(option, 'must be printable ASCII without spaces or "#"');
  }
  return value;
}

/**
 * coturn's `ip[-ip]` syntax for a CIDR range (mapped IPv4 stays in
 * `::ffff:a.b.c.d` form), or undefined when the range must not be written.
 *
 * coturn 4.6.1 reads an all-zero IPv6 bound as "any address": with
 * `denied-peer-ip=::` or `::-::ffff:ffff` it refuses every peer, IPv4
 * included. Such ranges therefore start at `::1`, and `::` alone is left to
 * coturn itself, which refuses it since 4.5.2 (CVE-2020-26262).
 */
export function coturnRange(cidr: string): string | undefined {
  const { first, last } = rangeBounds(parseCidr(cidr));
  const isZero = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0);
  const isIpv6Text = cidr.includes(':');
  if (isIpv6Text && isZero(first)) {
    if (isZero(last)) return undefined;
    first[15] = 1;
  }
  const format = isIpv6Text ? formatIpv6 : formatIp;
  const [start, end] = [format(first), format(last)];
  return start === end ? start : `${start}-${end}`;
}

export function renderCoturnConfig(options: CoturnConfigOptions): string {
  assertTurnSecret(options.secret);
  const secret = configValue('secret', options.secret);
  const realm = configValue('realm', options.realm);
  const listeningPort = integerOption('listeningPort', options.listeningPort, 3478, 1, 65535);
  const listeningIp =
    options.listeningIp === undefined ? undefined : ipOption('listeningIp', options.listeningIp);
  const relayIp = options.relayIp === undefined ? undefined : ipOption('relayIp', options.relayIp);
  const externalIp =
    options.externalIp === undefined ? undefined : ipOption('externalIp', options.externalIp);
  const ownRelayIps = [...new Set([relayIp, externalIp].filter((value) => value !== undefined))];
  const allowRelayToRelay = options.allowRelayToRelay ?? ownRelayIps.length > 0;
  const allowedPeers = (options.allowedPeers ?? []).map((cidr) => {
    let range: string | undefined;
    try {
      range = coturnRange(cidr);
    } catch (error) {
      throw new TurnOptionError('allowedPeers', (error as Error).message);
    }
    if (range === undefined)
      throw new TurnOptionError('allowedPeers', `"${cidr}" is not a peer range`);
    return range;
  });
  const userQuota = integerOption('userQuota', options.userQuota, 10, 1, 100_000);
  const totalQuota = integerOption('totalQuota', options.totalQuota, 1000, 1, 10_000_000);
  const maxBps = integerOption('maxBps', options.maxBps, 500_000, 0, 1_000_000_000);
  const staleNonce = integerOption('staleNonceSeconds', options.staleNonceSeconds, 600, 30, 86_400);

  const lines: string[] = [
    '# turnserver.conf for Mayfly, rendered by @mayfly/turn renderCoturnConfig().',
    '# It must match the signaling server: same secret (TURN_SECRET), same realm (TURN_REALM).',
    '#',
    '# Use coturn 4.9.0 or newer. Before 4.9.0 an IPv4-mapped IPv6 peer such as',
    '# ::ffff:127.0.0.1 slips past denied-peer-ip written for IPv4 (CVE-2026-27624);',
    '# the explicit ::ffff: entries below close that hole on older versions (Debian',
    '# ships 4.6.1), so keep them after upgrading too. Never run coturn older than',
    '# 4.5.2: 0.0.0.0, [::] and [::1] bypassed loopback blocking (CVE-2020-26262).',
    '',
    '# --- Listening ------------------------------------------------------------',
    `listening-port=${listeningPort}`,
  ];
  if (listeningIp !== undefined) lines.push(`listening-ip=${listeningIp}`);
  if (relayIp !== undefined) lines.push(`relay-ip=${relayIp}`);
  if (externalIp !== undefined) {
    lines.push('# Announced in relayed candidates: the public address of this NATed host.');
    lines.push(`external-ip=${externalIp}`);
  }
  if (options.relayPortRange !== undefined) {
    const min = integerOption('relayPortRange.min', options.relayPortRange.min, 0, 1024, 65535);
    const max = integerOption('relayPortRange.max', options.relayPortRange.max, 0, min, 65535);
    lines.push('# Open these UDP ports in the firewall.', `min-port=${min}`, `max-port=${max}`);
  }
  lines.push(
    '',
    '# --- Authentication: short-lived TURN REST API credentials ------------------',
    '# username = <unix expiry>:<id>, password = base64(HMAC-SHA1(secret, username)).',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    '# Nonces expire, so a captured request cannot be replayed for long.',
    `stale-nonce=${staleNonce}`,
    'fingerprint',
    '',
    '# --- Peer policy ----------------------------------------------------------',
    '# A relay for strangers must not reach this host, its network or special-purpose',
    '# space: IANA special-purpose registries, multicast and reserved ranges, the',
    '# same list as the embedded server (DENIED_PEER_RANGES).',
    'no-multicast-peers',
    '# Relay over UDP only: no TCP connections to peers (RFC 6062).',
    'no-tcp-relay',
  );
  for (const { cidr, reason } of DENIED_PEER_RANGES) {
    const range = coturnRange(cidr);
    lines.push(
      `# ${cidr}: ${reason}`,
      range === undefined
        ? '# (coturn refuses it by itself; written out, coturn 4.6.1 would refuse every peer)'
        : `denied-peer-ip=${range}`,
    );
  }
  if (allowedPeers.length > 0) {
    lines.push(
      '',
      "# The operator's own networks (TURN_ALLOWED_PEERS); allowed-peer-ip wins over denied-peer-ip.",
    );
    for (const range of allowedPeers) lines.push(`allowed-peer-ip=${range}`);
  }
  if (allowRelayToRelay && ownRelayIps.length > 0) {
    lines.push(
      '',
      "# Relay-to-relay: when both strangers force relay, each one's peer is this",
      "# server's own relayed address, which the deny list may cover (a private",
      '# relay-ip). This exposes EVERY UDP port on these addresses to relayed',
      '# traffic, not only relay ports: coturn cannot tell them apart. Contain it:',
      '# run no other UDP service on these addresses, and let the firewall accept',
      '# UDP from this host to itself only on min-port..max-port, e.g. nftables:',
      '#   ip saddr <relay-ip> ip daddr <relay-ip> udp dport != <min-port>-<max-port> drop',
      "# (Mayfly's embedded server enforces this itself.)",
    );
    for (const address of ownRelayIps) lines.push(`allowed-peer-ip=${address}`);
  }
  lines.push(
    '',
    '# --- Quotas -----------------------------------------------------------------',
    `user-quota=${userQuota}`,
    `total-quota=${totalQuota}`,
    '# Bytes per second per session.',
    `max-bps=${maxBps}`,
    '',
    '# --- Hardening ----------------------------------------------------------------',
    'no-cli',
    'no-software-attribute',
    '# No NAT-behaviour discovery or legacy STUN: less to amplify, less to fingerprint.',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'response-origin-only-with-rfc5780',
    'no-dtls',
    '',
    '# --- TLS ----------------------------------------------------------------------',
  );
  if (options.tls === undefined) {
    lines.push(
      '# Browsers on networks that allow only web traffic reach TURN solely over',
      '# TLS on TCP port 443. To serve them, get a certificate for the TURN host name,',
      '# replace the no-tls line below with the following, and hand clients',
      '# turns:<host>:443?transport=tcp in TURN_URLS:',
      '# tls-listening-port=443',
      '# cert=/etc/letsencrypt/live/<host>/fullchain.pem',
      '# pkey=/etc/letsencrypt/live/<host>/privkey.pem',
      '# no-tlsv1',
      '# no-tlsv1_1',
      "# Port 443 needs CAP_NET_BIND_SERVICE (Debian's coturn unit has it) and must",
      '# not be shared with a web server on the same address.',
      'no-tls',
    );
  } else {
    const port = integerOption('tls.port', options.tls.port, 443, 1, 65535);
    lines.push(
      '# turns:<host>:' + String(port) + '?transport=tcp for clients behind web-only firewalls.',
      `tls-listening-port=${port}`,
      `cert=${configValue('tls.certFile', options.tls.certFile)}`,
      `pkey=${configValue('tls.keyFile', options.tls.keyFile)}`,
      'no-tlsv1',
      'no-tlsv1_1',
    );
  }
  lines.push(
    '',
    '# --- Logging ------------------------------------------------------------------',
    '# coturn logs client and peer addresses for every session. Mayfly promises',
    '# anonymity: keep these logs short-lived, or send them nowhere:',
    '# log-file=/dev/null',
    '',
  );
  return lines.join('\n');
}
