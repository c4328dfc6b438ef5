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
   * @default listenAddress when it is a concrete address; otherwise relay
   * sockets bind to all interfaces and the first non-internal IPv4 address of
   * this host is announced (set externalIp to choose).
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

function firstExternalAddress(family: IpFamily): string | undefined {
  const address = Object.values(networkInterfaces())
    .flat()
    .find(
      (entry) =>
        entry !== undefined &&
        entry.family === `IPv${family}` &&
        !entry.internal &&
        !entry.address.startsWith('fe80:'),
    )?.address;
  return address === undefined ? undefined : canonicalIp(address);
}

function resolveConfig(options: EmbeddedTurnOptions): FixedTurnServerConfig {
  assertTurnSecret(options.secret);
  if (!/^[\x21-\x7e]{1,127}$/u.test(options.realm)) {
    throw new TurnOptionError('realm', 'must be 1-127 printable ASCII characters without spaces');
  }
  const port = integerOption('port', options.port, 3478, 0, 65535);
  const listenAddress = ipOption('listenAddress', options.listenAddress ?? '0.0.0.0');
  const relayBindAddress =
    options.relayAddress === undefined
      ? listenAddress
      : ipOption('relayAddress', options.relayAddress);
  let announcedRelayAddress =
    options.externalIp === undefined
      ? relayBindAddress
      : ipOption('externalIp', options.externalIp);
  const relayFamily = ipFamilyOf(relayBindAddress);
  if (isUnspecified(announcedRelayAddress)) {
    const guess = firstExternalAddress(relayFamily);
    if (guess === undefined) {
      throw new TurnOptionError(
        'externalIp',
        `required: this host has no external IPv${relayFamily} address to announce`,
      );
    }
    announcedRelayAddress = guess;
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
    // The server's own relay address is an allowed peer (relay-to-relay);
    // node-turn-fixes.ts limits it to ports of live allocations.
    isPeerAllowed: compilePeerPolicy({ allowedPeers: [...allowedPeers, ...ownRelayAddresses] }),
    // True only inside the operator's ranges: everything else is "denied".
    isExplicitlyAllowed: compilePeerPolicy({ allowedPeers, deniedPeers: ['::/0'] }),
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
