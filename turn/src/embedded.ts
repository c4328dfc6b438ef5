/**
 * The embedded TURN server: node-turn with our fixes, configured once from
 * validated options. For small deployments and development; production
 * traffic belongs on coturn (see coturn-config.ts).
 *
 * UDP only (node-turn has no TCP or TLS listener): clients behind firewalls
 * that allow only TCP/443 need coturn with `turns:` on 443.
 */
import { networkInterfaces } from 'node:os';
import { TurnOptionError, TurnStartError, TurnStartErrorCode } from './errors.js';
import { assertTurnSecret } from './credentials.js';
import { canonicalIp, ipFamilyOf } from './ip-address.js';
import type { IpFamily } from './ip-address.js';
import { FixedTurnServer } from './node-turn-fixes.js';
import type { FixedTurnServerConfig } from './node-turn-fixes.js';
import { PeerAccess } from './peer-access.js';
import type { HostAddress } from './peer-access.js';
import { compilePeerPolicy } from './peer-policy.js';
import type { TurnLog } from './turn-log.js';
import { integerOption, ipOption } from './options.js';

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export interface EmbeddedTurnOptions {
  /** UDP port to listen on; 0 lets the OS pick one (read it from `EmbeddedTurn.port`). @default 3478 */
  readonly port?: number;
  /** @default '0.0.0.0' */
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
}

export interface EmbeddedTurn {
  /** The UDP port actually bound. */
  readonly port: number;
  /** The address announced as relayed address (what peers see). */
  readonly relayAddress: string;
  allocationCount(): number;
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

function resolveConfig(options: EmbeddedTurnOptions): FixedTurnServerConfig {
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
  return {
    listenAddress,
    port,
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
 * Starts node-turn with every known defect fixed (see node-turn-fixes.ts).
 * Throws TurnOptionError for a bad option and TurnStartError when the port
 * cannot be bound.
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
  const server = new FixedTurnServer(config);
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    if (claimed !== undefined && portsInUse.get(config.port) === claimed)
      portsInUse.delete(config.port);
    const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    throw new TurnStartError(
      inUse ? TurnStartErrorCode.AddressInUse : TurnStartErrorCode.BindFailed,
      `cannot listen on ${config.listenAddress}:${config.port}: ${inUse ? 'address in use' : String((error as Error).message)}`,
      { cause: error },
    );
  }
  const entry: PortClaim = claimed ?? { closing: undefined };
  return {
    port,
    relayAddress: config.announcedRelayAddress,
    allocationCount: () => server.allocationCount(),
    close: () => {
      entry.closing ??= server.close().finally(() => {
        if (portsInUse.get(port) === entry) portsInUse.delete(port);
      });
      return entry.closing;
    },
  };
}
