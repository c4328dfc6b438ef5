/**
 * Configuration, parsed once at start-up into a frozen typed object.
 *
 * The options themselves (names, defaults, bounds, meaning) are declared in
 * config-options.ts; this module parses them from environment variables and
 * flags (flags win), checks the ones that depend on each other, and shapes
 * the result so that each module receives only its slice. A bad value stops
 * start-up with a {@link ConfigError} that names the variable.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SignalingConfig } from '@mayfly/signaling';
import { canonicalIp, compilePeerPolicy, MIN_SECRET_LENGTH } from '@mayfly/turn';
import {
  CONFIG_VARIABLES,
  ConfigError,
  flagOf,
  readOptions,
  type PowMode,
  type TurnMode,
} from './config-options.js';

export { CONFIG_VARIABLES, ConfigError, type PowMode, type TurnMode } from './config-options.js';
export type { LimitsConfig, MatchingConfig } from '@mayfly/signaling';

export interface Config extends SignalingConfig {
  /** TCP port for HTTP and Socket.IO. */
  readonly port: number;
  /** Address to listen on. */
  readonly host: string;
  readonly http: HttpConfig;
  readonly log: LogConfig;
  readonly turn: TurnConfig;
  /** Shared state for several nodes; undefined in one process. */
  readonly redis: RedisConfig | undefined;
  /** How long a shutdown may take before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** Folder of the built web client (adapter-node output); served when present. */
  readonly webBuildDir: string;
  readonly pow: PowConfig;
  readonly metrics: MetricsConfig;
}

/** Prometheus metrics (metrics.ts): off unless a port or a token is set. */
export interface MetricsConfig {
  /** A separate HTTP server answering `GET /metrics` only. */
  readonly port: number | undefined;
  readonly listenAddress: string;
  /** Opens `GET /metrics` on the main port to requests bearing it. */
  readonly token: string | undefined;
}

export interface PowConfig {
  /** `auto` turns proof of work on while connection attempts exceed the threshold. */
  readonly mode: PowMode;
  /** Attempts in the last minute above which `auto` is on. */
  readonly autoConnectionsPerMinute: number;
  /** Largest counter a challenge asks for: at most this many hashes, half on average. */
  readonly difficulty: number;
  /** Signs challenges; every node sharing one Redis needs the same. */
  readonly secret: string;
  readonly secretIsEphemeral: boolean;
}

/** Bounds on how slowly a client may send an HTTP request (slowloris). */
export interface HttpConfig {
  /** Headers must be complete this long after a request starts, in ms. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must be complete this long after it starts, in ms. */
  readonly requestTimeoutMs: number;
}

export interface LogConfig {
  /** Folder for daily metadata logs and their pseudonymization keys. */
  readonly dir: string;
  /** Days a log file and its key are kept. */
  readonly retentionDays: number;
}

export interface RedisConfig {
  readonly url: string;
  readonly keyPrefix: string;
}

export interface TurnConfig {
  readonly mode: TurnMode;
  /** UDP port of the embedded TURN server. */
  readonly port: number;
  /** Address the embedded TURN server binds, independent of HOST. */
  readonly listenAddress: string;
  /** Shared secret for TURN REST API credentials. */
  readonly secret: string;
  /** Whether the secret was generated because TURN_SECRET was unset. */
  readonly secretIsEphemeral: boolean;
  readonly realm: string;
  /** URLs handed to clients; for `embedded` derived from the page's host when empty (a browser on this machine gets the relay address, see ice-servers.ts). */
  readonly urls: readonly string[];
  /** Public address announced for relayed candidates when the host is behind NAT. */
  readonly externalIp: string | undefined;
  /** CIDR ranges the relay may reach although the deny list covers them. */
  readonly allowedPeers: readonly string[];
  readonly credentialTtlSeconds: number;
  /** Allocations one credential may hold at once. */
  readonly maxAllocationsPerUser: number;
  /** Lifetime of an embedded TURN allocation a client does not refresh. */
  readonly allocationLifetimeSeconds: number;
}

type Source = Readonly<Record<string, string | undefined>>;

const DEFAULT_WEB_BUILD_DIR = path.resolve(import.meta.dirname, '../../web/build');

/**
 * Turns `--flag value` and `--flag=value` arguments into variables.
 * Throws a ConfigError for a flag that is not a known variable.
 */
export function parseFlags(argv: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(arg, 'unexpected argument; use --name value');
    const [rawName = '', inlineValue] = arg.slice(2).split(/=(.*)/su, 2);
    const variable = CONFIG_VARIABLES.find((name) => flagOf(name) === `--${rawName.toLowerCase()}`);
    if (variable === undefined) throw new ConfigError(`--${rawName}`, 'unknown option');
    const value = inlineValue ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${rawName}`, 'missing value');
    flags[variable] = value;
  }
  return flags;
}

/** Parses the configuration from environment variables, then flags over them. */
export function parseConfig(env: Source = process.env, argv: readonly string[] = []): Config {
  const option = readOptions({ ...env, ...parseFlags(argv) });

  const turnSecret = option.TURN_SECRET;
  if (turnSecret !== undefined && turnSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('TURN_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  try {
    // The relay's own parser, so that what start-up accepts the relay accepts.
    compilePeerPolicy({ allowedPeers: option.TURN_ALLOWED_PEERS });
  } catch (error) {
    throw new ConfigError('TURN_ALLOWED_PEERS', (error as Error).message);
  }
  if (option.TURN_MODE === 'external' && option.TURN_URLS.length === 0) {
    throw new ConfigError('TURN_URLS', 'required when TURN_MODE is external');
  }
  if (option.TURN_MODE === 'external' && turnSecret === undefined) {
    throw new ConfigError(
      'TURN_SECRET',
      'required when TURN_MODE is external (the same as coturn)',
    );
  }

  const redisUrl = option.REDIS_URL;
  if (redisUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(redisUrl);
    } catch {
      url = undefined;
    }
    if (url === undefined || !['redis:', 'rediss:'].includes(url.protocol)) {
      throw new ConfigError('REDIS_URL', 'expected a URL like redis://127.0.0.1:6379');
    }
  }
  const powSecret = option.POW_SECRET;
  if (powSecret !== undefined && powSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('POW_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (redisUrl !== undefined && option.POW !== 'off' && powSecret === undefined) {
    // A challenge fetched from one node must verify on the node that takes the connection.
    throw new ConfigError('POW_SECRET', 'required when REDIS_URL is set and POW is on or auto');
  }
  // Node refuses a headers timeout longer than the request timeout.
  if (option.REQUEST_TIMEOUT_MS < option.HANDSHAKE_TIMEOUT_MS) {
    throw new ConfigError(
      'REQUEST_TIMEOUT_MS',
      `must be at least HANDSHAKE_TIMEOUT_MS (${option.HANDSHAKE_TIMEOUT_MS})`,
    );
  }
  const metricsToken = option.METRICS_TOKEN;
  if (metricsToken !== undefined && metricsToken.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('METRICS_TOKEN', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (canonicalIp(option.METRICS_LISTEN_ADDRESS) === undefined) {
    throw new ConfigError(
      'METRICS_LISTEN_ADDRESS',
      `"${option.METRICS_LISTEN_ADDRESS}" is not an IP address`,
    );
  }
  // Two 0s are two free ports, not the same one.
  if (
    option.METRICS_PORT !== undefined &&
    option.METRICS_PORT !== 0 &&
    option.METRICS_PORT === option.PORT
  ) {
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${option.PORT})`);
  }
  if (option.CUT_OFF_COOLDOWN_MAX_SECONDS < option.CUT_OFF_COOLDOWN_SECONDS) {
    throw new ConfigError(
      'CUT_OFF_COOLDOWN_MAX_SECONDS',
      `must be at least CUT_OFF_COOLDOWN_SECONDS (${option.CUT_OFF_COOLDOWN_SECONDS})`,
    );
  }
  if (!/^[\x21-\x7e]{1,64}$/u.test(option.REDIS_KEY_PREFIX)) {
    throw new ConfigError('REDIS_KEY_PREFIX', 'expected 1-64 printable ASCII characters');
  }

  const config: Config = {
    port: option.PORT,
    host: option.HOST,
    http: {
      headersTimeoutMs: option.HANDSHAKE_TIMEOUT_MS,
      requestTimeoutMs: option.REQUEST_TIMEOUT_MS,
    },
    allowedOrigins: option.ALLOWED_ORIGINS,
    trustProxyHops: option.TRUST_PROXY_HOPS,
    maxConnectionsPerAddress: option.MAX_CONNECTIONS_PER_ADDRESS,
    matching: {
      interestWaitMs: option.INTEREST_WAIT_SECONDS * 1000,
      skipMemoryMs: option.SKIP_MEMORY_MINUTES * 60_000,
      resumeGraceMs: option.RESUME_GRACE_SECONDS * 1000,
      languageWaitMs: option.LANGUAGE_WAIT_SECONDS * 1000,
      languageOnlyWaitMs: option.LANGUAGE_ONLY_WAIT_SECONDS * 1000,
    },
    addressLimits: {
      connectionsPerMinute: option.CONNECTIONS_PER_MINUTE,
      startsPerMinute: option.STARTS_PER_MINUTE,
      cutOffCooldownMs: option.CUT_OFF_COOLDOWN_SECONDS * 1000,
      cutOffCooldownMaxMs: option.CUT_OFF_COOLDOWN_MAX_SECONDS * 1000,
    },
    moderation: {
      blockMs: option.BLOCK_MINUTES * 60_000,
      banReports: option.BAN_REPORTS,
      reportWindowMs: option.REPORT_WINDOW_MINUTES * 60_000,
      banMs: option.BAN_MINUTES * 60_000,
    },
    limits: {
      maxMessageBytes: option.MAX_MESSAGE_BYTES,
      rateLimitBurst: option.RATE_LIMIT_BURST,
      rateLimitPerSecond: option.RATE_LIMIT_PER_SECOND,
      rateLimitDisconnectAfter: option.RATE_LIMIT_DISCONNECT_AFTER,
      pingIntervalMs: option.PING_INTERVAL_MS,
      pingTimeoutMs: option.PING_TIMEOUT_MS,
      connectTimeoutMs: option.HANDSHAKE_TIMEOUT_MS,
    },
    log: {
      dir: path.resolve(option.LOG_DIR),
      retentionDays: option.LOG_RETENTION_DAYS,
    },
    turn: {
      mode: option.TURN_MODE,
      port: option.TURN_PORT,
      listenAddress: option.TURN_LISTEN_ADDRESS ?? '0.0.0.0',
      secret: turnSecret ?? randomBytes(32).toString('base64url'),
      secretIsEphemeral: turnSecret === undefined,
      realm: option.TURN_REALM,
      urls: option.TURN_URLS,
      externalIp: option.TURN_EXTERNAL_IP,
      allowedPeers: option.TURN_ALLOWED_PEERS,
      credentialTtlSeconds: option.TURN_CREDENTIAL_TTL_SECONDS,
      maxAllocationsPerUser: option.TURN_MAX_ALLOCATIONS_PER_USER,
      allocationLifetimeSeconds: option.TURN_ALLOCATION_LIFETIME_SECONDS,
    },
    redis:
      redisUrl === undefined ? undefined : { url: redisUrl, keyPrefix: option.REDIS_KEY_PREFIX },
    relayByDefault: option.RELAY_DEFAULT,
    safeStartByDefault: option.SAFE_START_DEFAULT,
    shutdownTimeoutMs: option.SHUTDOWN_TIMEOUT_MS,
    webBuildDir: path.resolve(option.WEB_BUILD_DIR ?? DEFAULT_WEB_BUILD_DIR),
    pow: {
      mode: option.POW,
      autoConnectionsPerMinute: option.POW_AUTO_CONNECTIONS_PER_MINUTE,
      difficulty: option.POW_DIFFICULTY,
      secret: powSecret ?? randomBytes(32).toString('base64url'),
      secretIsEphemeral: powSecret === undefined,
    },
    metrics: {
      port: option.METRICS_PORT,
      listenAddress: option.METRICS_LISTEN_ADDRESS,
      token: metricsToken,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
