/**
 * Configuration, parsed once at start-up into a frozen typed object.
 *
 * Every option is an environment variable; each can also be given as a
 * command-line flag of the same name in kebab case (`--log-retention-days 7`
 * for LOG_RETENTION_DAYS), and flags win. A bad value stops start-up with a
 * {@link ConfigError} that names the variable.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { canonicalIp, compilePeerPolicy, MIN_SECRET_LENGTH } from '@mayfly/turn';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type TurnMode = 'embedded' | 'external' | 'off';

export interface Config {
  /** TCP port for HTTP and Socket.IO. @default 3000 */
  readonly port: number;
  /** Address to listen on. @default '0.0.0.0' */
  readonly host: string;
  /** Origins allowed besides the page's own. @default [] */
  readonly allowedOrigins: readonly string[];
  /** Reverse proxies in front of the service whose X-Forwarded-For to trust. @default 0 */
  readonly trustProxyHops: number;
  /** Live connections allowed from one client address. @default 10 */
  readonly maxConnectionsPerAddress: number;
  readonly matching: MatchingConfig;
  readonly limits: LimitsConfig;
  readonly log: LogConfig;
  readonly turn: TurnConfig;
  /** Clients hide their IP address unless the user unticks it. @default false */
  readonly relayByDefault: boolean;
  /** How long a shutdown may take before the process exits anyway. @default 5000 */
  readonly shutdownTimeoutMs: number;
  /** Folder of the built web client (adapter-node output); served when present. */
  readonly webBuildDir: string;
}

export interface MatchingConfig {
  /** How long strangers with interests wait for a shared one before anyone will do. @default 5000 */
  readonly interestWaitMs: number;
  /** How long a skipped stranger is not offered again to the one who skipped. @default 600000 */
  readonly skipMemoryMs: number;
}

export interface LimitsConfig {
  /** Largest Socket.IO message the transport accepts; larger ones close that socket. @default 65536 */
  readonly maxMessageBytes: number;
  /** Events a socket may send in a burst. @default 40 */
  readonly rateLimitBurst: number;
  /** Events a socket may send per second, sustained. @default 10 */
  readonly rateLimitPerSecond: number;
  /** Engine.IO ping interval: with pingTimeoutMs, bounds how fast a dropped client is noticed. @default 2500 */
  readonly pingIntervalMs: number;
  /** @default 2500 */
  readonly pingTimeoutMs: number;
}

export interface LogConfig {
  /** Folder for daily metadata logs and their pseudonymization keys. @default './logs' */
  readonly dir: string;
  /** Days a log file and its key are kept. @default 30 */
  readonly retentionDays: number;
}

export interface TurnConfig {
  /** `embedded` runs node-turn in this process; `external` points clients at TURN_URLS; `off`. @default 'embedded' */
  readonly mode: TurnMode;
  /** UDP port of the embedded TURN server. @default 3478 */
  readonly port: number;
  /** Address the embedded TURN server binds, independent of HOST (which may be loopback behind a proxy). @default '0.0.0.0' */
  readonly listenAddress: string;
  /** Shared secret for TURN REST API credentials. @default random per process */
  readonly secret: string;
  /** Whether the secret was generated because TURN_SECRET was unset. */
  readonly secretIsEphemeral: boolean;
  /** TURN realm. @default 'mayfly' */
  readonly realm: string;
  /** URLs handed to clients; for `embedded` derived from the request's host when empty. */
  readonly urls: readonly string[];
  /** Public address announced for relayed candidates when the host is behind NAT. */
  readonly externalIp: string | undefined;
  /** CIDR ranges the relay may reach although the deny list covers them. @default [] */
  readonly allowedPeers: readonly string[];
  /** Lifetime of minted credentials. @default 86400 */
  readonly credentialTtlSeconds: number;
  /** Allocations one credential may hold at once. @default 10 */
  readonly maxAllocationsPerUser: number;
  /** Lifetime of an embedded TURN allocation a client does not refresh. @default 600 */
  readonly allocationLifetimeSeconds: number;
}

type Source = Readonly<Record<string, string | undefined>>;

/** Every variable this service reads, for the README table and unknown-flag errors. */
export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'ALLOWED_ORIGINS',
  'TRUST_PROXY_HOPS',
  'MAX_CONNECTIONS_PER_ADDRESS',
  'INTEREST_WAIT_SECONDS',
  'SKIP_MEMORY_MINUTES',
  'MAX_MESSAGE_BYTES',
  'RATE_LIMIT_BURST',
  'RATE_LIMIT_PER_SECOND',
  'PING_INTERVAL_MS',
  'PING_TIMEOUT_MS',
  'LOG_DIR',
  'LOG_RETENTION_DAYS',
  'RELAY_DEFAULT',
  'SHUTDOWN_TIMEOUT_MS',
  'WEB_BUILD_DIR',
  'TURN_MODE',
  'TURN_PORT',
  'TURN_LISTEN_ADDRESS',
  'TURN_SECRET',
  'TURN_REALM',
  'TURN_URLS',
  'TURN_EXTERNAL_IP',
  'TURN_ALLOWED_PEERS',
  'TURN_CREDENTIAL_TTL_SECONDS',
  'TURN_MAX_ALLOCATIONS_PER_USER',
  'TURN_ALLOCATION_LIFETIME_SECONDS',
] as const;

type Variable = (typeof CONFIG_VARIABLES)[number];

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
    const variable = rawName.toUpperCase().replaceAll('-', '_');
    if (!(CONFIG_VARIABLES as readonly string[]).includes(variable)) {
      throw new ConfigError(`--${rawName}`, 'unknown option');
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${rawName}`, 'missing value');
    flags[variable] = value;
  }
  return flags;
}

class Reader {
  constructor(private readonly source: Source) {}

  string(name: Variable, fallback: string): string {
    const value = this.raw(name);
    return value === undefined ? fallback : value;
  }

  optionalString(name: Variable): string | undefined {
    return this.raw(name);
  }

  /** An IP address literal in canonical form, or undefined when unset. */
  ipAddress(name: Variable): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const address = canonicalIp(value);
    if (address === undefined) throw new ConfigError(name, `"${value}" is not an IP address`);
    return address;
  }

  integer(name: Variable, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/u.test(value))
      throw new ConfigError(name, `expected a whole number, got "${value}"`);
    const number = Number(value);
    if (number < min || number > max) {
      throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${number}`);
    }
    return number;
  }

  boolean(name: Variable, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    throw new ConfigError(name, `expected true or false, got "${value}"`);
  }

  list(name: Variable): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  oneOf<T extends string>(name: Variable, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${value}"`);
    }
    return value as T;
  }

  private raw(name: Variable): string | undefined {
    const value = this.source[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }
}

function parseOrigin(name: Variable, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `"${value}" is not an origin like https://chat.example`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== value.replace(/\/$/u, '')) {
    throw new ConfigError(name, `"${value}" is not an origin like https://chat.example`);
  }
  return url.origin;
}

/** Parses the configuration from environment variables, then flags over them. */
export function parseConfig(env: Source = process.env, argv: readonly string[] = []): Config {
  const read = new Reader({ ...env, ...parseFlags(argv) });

  const turnSecret = read.optionalString('TURN_SECRET');
  if (turnSecret !== undefined && turnSecret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('TURN_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const allowedPeers = read.list('TURN_ALLOWED_PEERS');
  try {
    // The relay's own parser, so that what start-up accepts the relay accepts.
    compilePeerPolicy({ allowedPeers });
  } catch (error) {
    throw new ConfigError('TURN_ALLOWED_PEERS', (error as Error).message);
  }
  const turnMode = read.oneOf<TurnMode>('TURN_MODE', 'embedded', ['embedded', 'external', 'off']);
  const turnUrls = read.list('TURN_URLS');
  for (const url of turnUrls) {
    if (!/^(?:turns?|stuns?):[^\s]+$/u.test(url)) {
      throw new ConfigError('TURN_URLS', `"${url}" is not a turn:, turns: or stun: URL`);
    }
  }
  if (turnMode === 'external' && turnUrls.length === 0) {
    throw new ConfigError('TURN_URLS', 'required when TURN_MODE is external');
  }
  if (turnMode === 'external' && turnSecret === undefined) {
    throw new ConfigError(
      'TURN_SECRET',
      'required when TURN_MODE is external (the same as coturn)',
    );
  }

  const config: Config = {
    port: read.integer('PORT', 3000, 0, 65535),
    host: read.string('HOST', '0.0.0.0'),
    allowedOrigins: read
      .list('ALLOWED_ORIGINS')
      .map((origin) => parseOrigin('ALLOWED_ORIGINS', origin)),
    trustProxyHops: read.integer('TRUST_PROXY_HOPS', 0, 0, 10),
    maxConnectionsPerAddress: read.integer('MAX_CONNECTIONS_PER_ADDRESS', 10, 1, 100_000),
    matching: {
      interestWaitMs: read.integer('INTEREST_WAIT_SECONDS', 5, 0, 3600) * 1000,
      skipMemoryMs: read.integer('SKIP_MEMORY_MINUTES', 10, 0, 24 * 60) * 60_000,
    },
    limits: {
      maxMessageBytes: read.integer('MAX_MESSAGE_BYTES', 64 * 1024, 8 * 1024, 1024 * 1024),
      rateLimitBurst: read.integer('RATE_LIMIT_BURST', 40, 1, 10_000),
      rateLimitPerSecond: read.integer('RATE_LIMIT_PER_SECOND', 10, 1, 10_000),
      pingIntervalMs: read.integer('PING_INTERVAL_MS', 2500, 100, 60_000),
      pingTimeoutMs: read.integer('PING_TIMEOUT_MS', 2500, 100, 60_000),
    },
    log: {
      dir: path.resolve(read.string('LOG_DIR', 'logs')),
      retentionDays: read.integer('LOG_RETENTION_DAYS', 30, 1, 3650),
    },
    turn: {
      mode: turnMode,
      port: read.integer('TURN_PORT', 3478, 0, 65535),
      listenAddress: read.ipAddress('TURN_LISTEN_ADDRESS') ?? '0.0.0.0',
      secret: turnSecret ?? randomBytes(32).toString('base64url'),
      secretIsEphemeral: turnSecret === undefined,
      realm: read.string('TURN_REALM', 'mayfly'),
      urls: turnUrls,
      externalIp: read.ipAddress('TURN_EXTERNAL_IP'),
      allowedPeers,
      credentialTtlSeconds: read.integer('TURN_CREDENTIAL_TTL_SECONDS', 86_400, 60, 7 * 86_400),
      maxAllocationsPerUser: read.integer('TURN_MAX_ALLOCATIONS_PER_USER', 10, 1, 1000),
      allocationLifetimeSeconds: read.integer('TURN_ALLOCATION_LIFETIME_SECONDS', 600, 30, 3600),
    },
    relayByDefault: read.boolean('RELAY_DEFAULT', false),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 5000, 100, 120_000),
    webBuildDir: path.resolve(read.string('WEB_BUILD_DIR', DEFAULT_WEB_BUILD_DIR)),
  };
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
