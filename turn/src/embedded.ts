/**
 * The embedded TURN server (turn-server.ts), configured once from validated
 * options, listening on UDP and TCP. For small deployments and development;
 * production traffic belongs on coturn (see coturn-config.ts and
 * docs/self-hosting.md): the embedded server has no TLS (`turns:`), no TCP
 * relays (RFC 6062), one relay address family, and one process's CPU.
 */
import { networkInterfaces } from 'node:os';
import { TurnOptionError, TurnStartError, TurnStartErrorCode } from './errors.js';
import { assertTurnSecret } from './credentials.js';
import { canonicalIp, ipFamilyOf } from './ip-address.js';
import type { IpFamily } from './ip-address.js';
import { PeerAccess } from './peer-access.js';
import type { HostAddress } from './peer-access.js';
import { compilePeerPolicy } from './peer-policy.js';
import type { RelayedBytes } from './relay-data-path.js';
import { TcpListener } from './tcp-listener.js';
import type { TcpLimits } from './tcp-listener.js';
import { errorCode } from './turn-log.js';
import type { TurnLog } from './turn-log.js';
import { TurnServer } from './turn-server.js';
import type { TurnServerConfig } from './turn-server.js';
import { UdpListener } from './udp-listener.js';
import { integerOption, ipOption } from './options.js';

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export interface EmbeddedTurnOptions {
  /**
   * UDP port to listen on, and TCP port unless `tcp` is false; 0 lets the OS
   * pick one free for both (read it from `EmbeddedTurn.port`). @default 3478
   */
  readonly port?: number;
  /**
   * The address to serve. The unspecified address (`0.0.0.0`, `::`) serves
   * every address of this machine of its family: UDP binds each one, read
   * from `hostAddresses` at start (an address added later is not served),
   * so that answers leave from the address the client wrote to.
   * @default '0.0.0.0'
   */
  readonly listenAddress?: string;
  /** Shared with whoever mints credentials (mintTurnCredential); at least 16 characters. */
  readonly secret: string;
  readonly realm: string;
  /**
   * Address announced as the relayed address when the host is behind NAT and
   * its public address is not bound locally. @default relayAddress
   */
  readonly externalIp?: string;
  /**
   * Local address relay sockets bind to.
   * @default listenAddress when it is a concrete address or externalIp is
   * set; otherwise the first non-internal address of this host (of the
   * listen address's family), which is also announced, or loopback when it
   * has none (then browsers ignore the relay: Chromium takes no relay
   * candidate from a TURN server on loopback).
   */
  readonly relayAddress?: string;
  /**
   * CIDR ranges (or single addresses) the relay may reach although the deny
   * list covers them, for operators whose users sit in a private network.
   * The server's own relay address needs no entry: it is reachable, but only
   * on ports of live allocations (relay-to-relay). A range that contains it
   * opens every UDP port on it, i.e. other UDP services of this host; keep
   * ranges narrow. @default []
   */
  readonly allowedPeers?: readonly string[];
  /**
   * The local scope, for someone trying Mayfly out on one machine: an
   * allocation made from an address of this machine with a `local-`
   * credential (mintTurnCredential's `local`) may also reach this machine's
   * own non-loopback addresses, on UDP ports 1024 and up, which the deny list
   * refuses to everyone else. That is where the other browser's host
   * candidate is when only one of two browsers on the machine hides its IP
   * address. See peer-access.ts. @default false
   */
  readonly localScope?: boolean;
  /**
   * This machine's addresses, for the local scope and the announced address.
   * @default the entries of os.networkInterfaces(), read at each use
   */
  readonly hostAddresses?: () => readonly HostAddress[];
  /** Concurrent allocations per credential id; more are answered 486. @default 10 */
  readonly maxAllocationsPerUser?: number;
  /** Allocation lifetime when the client asks for none or less. @default 600 */
  readonly defaultLifetimeSeconds?: number;
  /** Upper bound of any allocation lifetime. @default 3600 */
  readonly maxLifetimeSeconds?: number;
  /** Ports for relay sockets, e.g. to match a firewall rule. @default any free port */
  readonly relayPortRange?: PortRange;
  /** Receives metadata-only events (no credentials, addresses or payloads). @default ignore */
  readonly log?: TurnLog;
  /** Clock in milliseconds, for credentials, nonces, permissions and lifetimes. @default Date.now */
  readonly now?: () => number;
  /** TURN over TCP on the same port number (RFC 8656 section 7.2), for networks that block UDP. @default true */
  readonly tcp?: boolean;
  /** TCP connections at once; more are closed as they arrive. @default 1024 */
  readonly maxTcpConnections?: number;
  /** TCP connections at once from one IP address (one NAT may hide many users). @default 64 */
  readonly maxTcpConnectionsPerAddress?: number;
  /** A TCP connection without an allocation is closed after this many seconds. @default 30 */
  readonly tcpAllocateTimeoutSeconds?: number;
}

export interface EmbeddedTurn {
  /** The port actually bound, for UDP and (when `tcp`) TCP. */
  readonly port: number;
  /** Whether TURN over TCP listens on `port` too. */
  readonly tcp: boolean;
  /** The address announced as relayed address (what peers see). */
  readonly relayAddress: string;
  allocationCount(): number;
  /** Payload bytes relayed since start, each way: for metrics. */
  relayedBytes(): RelayedBytes;
  /** Closes the listener, every relay socket and timer. Idempotent. */
  close(): Promise<void>;
}

/** coturn's `stale-nonce` default. */
const NONCE_LIFETIME_SECONDS = 600;

/** For canonical literals: the "any address" of either family. */
function isUnspecified(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::';
}

function systemHostAddresses(): HostAddress[] {
  return Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
}

function firstExternalAddress(family: IpFamily, hosts: readonly HostAddress[]): string | undefined {
  for (const entry of hosts) {
    const address = canonicalIp(entry.address);
    if (address !== undefined && !entry.internal && !address.startsWith('fe80:')) {
      if (ipFamilyOf(address) === family) return address;
    }
  }
  return undefined;
}

/** Largest TCP frame: a STUN message or ChannelData with a media packet fits many times over. */
const MAX_TCP_FRAME_BYTES = 8192;
/** Bytes queued toward one TCP client before relayed data to it is dropped. */
const TCP_SEND_BUFFER_BYTES = 256 * 1024;

interface ResolvedConfig extends TurnServerConfig {
  readonly listenAddress: string;
  readonly port: number;
  /** What UDP binds: each address of this machine when listenAddress is unspecified. */
  readonly udpAddresses: readonly string[];
  readonly tcp: TcpLimits | undefined;
}

/** The addresses a UDP listener on `listenAddress` binds, one socket each. */
function udpAddressesFor(listenAddress: string, hosts: readonly HostAddress[]): string[] {
  if (!isUnspecified(listenAddress)) return [listenAddress];
  const family = ipFamilyOf(listenAddress);
  const addresses = new Set<string>();
  for (const entry of hosts) {
    const address = canonicalIp(entry.address);
    // A link-local IPv6 address needs its interface named to be bound.
    if (address === undefined || address.startsWith('fe80:')) continue;
    if (ipFamilyOf(address) === family) addresses.add(address);
  }
  return addresses.size > 0 ? [...addresses] : [listenAddress];
}

function resolveConfig(options: EmbeddedTurnOptions): ResolvedConfig {
  assertTurnSecret(options.secret);
  if (!/^[\x21-\x7e]{1,127}$/u.test(options.realm)) {
    throw new TurnOptionError('realm', 'must be 1-127 printable ASCII characters without spaces');
  }
  const port = integerOption('port', options.port, 3478, 0, 65535);
  const listenAddress = ipOption('listenAddress', options.listenAddress ?? '0.0.0.0');
  let relayBindAddress =
    options.relayAddress === undefined
      ? listenAddress
      : ipOption('relayAddress', options.relayAddress);
  let announcedRelayAddress =
    options.externalIp === undefined
      ? relayBindAddress
      : ipOption('externalIp', options.externalIp);
  const relayFamily = ipFamilyOf(relayBindAddress);
  const hostAddresses = options.hostAddresses ?? systemHostAddresses;
  if (isUnspecified(announcedRelayAddress)) {
    // No address but loopback (an offline laptop): start anyway; calls that
    // need no relay still work.
    announcedRelayAddress =
      firstExternalAddress(relayFamily, hostAddresses()) ??
      (relayFamily === 4 ? '127.0.0.1' : '::1');
    // Relay from that address only. Bound to every address, a relay socket
    // sends to a peer on this machine (the other browser's host candidate)
    // from whichever address the kernel picks; the peer then answers to an
    // address the client never announced, and the client's candidate turns
    // peer-reflexive instead of relay.
    relayBindAddress = announcedRelayAddress;
  }
  if (ipFamilyOf(announcedRelayAddress) !== relayFamily) {
    throw new TurnOptionError('externalIp', 'must be of the same address family as relayAddress');
  }
  const defaultLifetimeSeconds = integerOption(
    'defaultLifetimeSeconds',
    options.defaultLifetimeSeconds,
    600,
    1,
    86_400,
  );
  const maxLifetimeSeconds = integerOption(
    'maxLifetimeSeconds',
    options.maxLifetimeSeconds,
    Math.max(3600, defaultLifetimeSeconds),
    defaultLifetimeSeconds,
    86_400,
  );
  let relayPortRange: PortRange | undefined;
  if (options.relayPortRange !== undefined) {
    const min = integerOption('relayPortRange.min', options.relayPortRange.min, 0, 1024, 65535);
    const max = integerOption('relayPortRange.max', options.relayPortRange.max, 0, min, 65535);
    relayPortRange = { min, max };
  }
  const allowedPeers = options.allowedPeers ?? [];
  const ownRelayAddresses = [announcedRelayAddress, relayBindAddress].filter(
    (ip) => !isUnspecified(ip),
  );
  const tcp =
    options.tcp === false
      ? undefined
      : {
          maxConnections: integerOption(
            'maxTcpConnections',
            options.maxTcpConnections,
            1024,
            1,
            100_000,
          ),
          maxConnectionsPerAddress: integerOption(
            'maxTcpConnectionsPerAddress',
            options.maxTcpConnectionsPerAddress,
            64,
            1,
            100_000,
          ),
          allocateTimeoutMs:
            integerOption(
              'tcpAllocateTimeoutSeconds',
              options.tcpAllocateTimeoutSeconds,
              30,
              1,
              3600,
            ) * 1000,
          maxFrameBytes: MAX_TCP_FRAME_BYTES,
          sendBufferBytes: TCP_SEND_BUFFER_BYTES,
        };
  return {
    listenAddress,
    port,
    udpAddresses: udpAddressesFor(listenAddress, hostAddresses()),
    tcp,
    relayBindAddress,
    announcedRelayAddress,
    realm: options.realm,
    secret: options.secret,
    peerAccess: new PeerAccess({
      // The server's own relay address is an allowed peer (relay-to-relay);
      // relay-data-path.ts limits it to ports of live allocations.
      isPeerAllowed: compilePeerPolicy({ allowedPeers: [...allowedPeers, ...ownRelayAddresses] }),
      // True only inside the operator's ranges: everything else is "denied".
      isExplicitlyAllowed: compilePeerPolicy({ allowedPeers, deniedPeers: ['::/0'] }),
      ownRelayAddresses,
      localScope: options.localScope ?? false,
      hostAddresses,
    }),
    maxAllocationsPerUser: integerOption(
      'maxAllocationsPerUser',
      options.maxAllocationsPerUser,
      10,
      1,
      100_000,
    ),
    defaultLifetimeSeconds,
    maxLifetimeSeconds,
    relayPortRange,
    nonceLifetimeSeconds: NONCE_LIFETIME_SECONDS,
    now: options.now ?? Date.now,
    log: options.log ?? (() => undefined),
  };
}

/**
 * Ports held by embedded servers of this process. A port is process-wide
 * state, so this registry is too: Vite restarts its plugins without waiting
 * for the old instance to close, and a start on a port whose server is still
 * closing must wait for that close instead of failing with EADDRINUSE.
 */
const portsInUse = new Map<number, PortClaim>();

interface PortClaim {
  closing: Promise<void> | undefined;
}

/**
 * Starts the embedded TURN server on UDP and TCP. Throws TurnOptionError for
 * a bad option and TurnStartError when the port cannot be bound.
 */
export async function startEmbeddedTurn(options: EmbeddedTurnOptions): Promise<EmbeddedTurn> {
  const config = resolveConfig(options);
  const claimed: PortClaim | undefined = config.port === 0 ? undefined : { closing: undefined };
  if (claimed !== undefined) {
    const previous = portsInUse.get(config.port);
    if (previous !== undefined && previous.closing === undefined) {
      throw new TurnStartError(
        TurnStartErrorCode.AlreadyRunning,
        `an embedded TURN server of this process already listens on port ${config.port}; close it first`,
      );
    }
    portsInUse.set(config.port, claimed);
    await previous?.closing;
  }
  let listeners: { udp: UdpListener; tcp: TcpListener | undefined };
  try {
    listeners = await bindListeners(config);
  } catch (error) {
    if (claimed !== undefined && portsInUse.get(config.port) === claimed)
      portsInUse.delete(config.port);
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new TurnStartError(
      inUse ? TurnStartErrorCode.AddressInUse : TurnStartErrorCode.BindFailed,
      `cannot listen on ${config.listenAddress}:${config.port}: ${inUse ? 'address in use' : errorCode(error)}`,
      { cause: error },
    );
  }
  const server = new TurnServer(config);
  const { udp, tcp } = listeners;
  udp.serve(server, config.log);
  if (tcp !== undefined && config.tcp !== undefined) tcp.serve(server, config.tcp, config.log);
  const port = udp.port;
  config.log({ type: 'listening', port });
  const entry: PortClaim = claimed ?? { closing: undefined };
  return {
    port,
    tcp: tcp !== undefined,
    relayAddress: config.announcedRelayAddress,
    allocationCount: () => server.allocationCount(),
    relayedBytes: () => server.relayedBytes(),
    close: () => {
      entry.closing ??= (async () => {
        await Promise.all([udp.close(), tcp?.close()]);
        await server.close();
        config.log({ type: 'closed' });
      })().finally(() => {
        if (portsInUse.get(port) === entry) portsInUse.delete(port);
      });
      return entry.closing;
    },
  };
}

/** Attempts at a port the system picks that is free for UDP and TCP alike. */
const SHARED_PORT_ATTEMPTS = 10;

/**
 * The UDP listener and, unless TCP is off, the TCP listener on the same port
 * number. With port 0 the system picks the UDP port; when TCP cannot have
 * the same, another is tried.
 */
async function bindListeners(
  config: ResolvedConfig,
): Promise<{ udp: UdpListener; tcp: TcpListener | undefined }> {
  for (let attempt = 1; ; attempt += 1) {
    const udp = await UdpListener.open(config.udpAddresses, config.port);
    if (config.tcp === undefined) return { udp, tcp: undefined };
    try {
      return { udp, tcp: await TcpListener.open(config.listenAddress, udp.port) };
    } catch (error) {
      await udp.close();
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (config.port !== 0 || !inUse || attempt >= SHARED_PORT_ATTEMPTS) throw error;
    }
  }
}
