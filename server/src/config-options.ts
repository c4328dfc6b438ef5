/**
 * Every configuration option, declared once: its name, default, bounds and
 * meaning. This table drives parsing (config.ts), `--help` and the README's
 * configuration table, and a test fails when the README disagrees with it.
 *
 * Each option is an environment variable, or a command-line flag of the
 * same name in kebab case (`--log-retention-days 7`). Options that depend
 * on each other (TURN_URLS is required in external mode) are checked in
 * config.ts after each has been parsed on its own.
 */
import { canonicalIp, OptionError } from '@mayfly/turn';

/** A configuration variable or flag has a bad value; `variable` names it. */
export class ConfigError extends OptionError {
  get variable(): string {
    return this.option;
  }
}

export interface OptionSpec<T> {
  /** What it means, one line, as in the README table. */
  readonly doc: string;
  /** The default as a person reads it (README, --help). */
  readonly shownDefault: string;
  /** Parses the trimmed raw value, or returns the default when it is unset. */
  parse(raw: string | undefined, name: string): T;
}

function code(value: string | number): string {
  return `\`${value}\``;
}

function integer(fallback: number, min: number, max: number, doc: string): OptionSpec<number> {
  return {
    doc,
    shownDefault: code(fallback),
    parse(raw, name) {
      if (raw === undefined) return fallback;
      if (!/^-?\d+$/u.test(raw))
        throw new ConfigError(name, `expected a whole number, got "${raw}"`);
      const value = Number(raw);
      if (value < min || value > max) {
        throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${value}`);
      }
      return value;
    },
  };
}

/** A whole number within bounds, or undefined when unset. */
function optionalInteger(min: number, max: number, doc: string): OptionSpec<number | undefined> {
  const spec = integer(0, min, max, doc);
  return {
    doc,
    shownDefault: '(none)',
    parse: (raw, name) => (raw === undefined ? undefined : spec.parse(raw, name)),
  };
}

function text(fallback: string, doc: string, shownDefault = code(fallback)): OptionSpec<string> {
  return { doc, shownDefault, parse: (raw) => raw ?? fallback };
}

function optionalText(doc: string, shownDefault = '(none)'): OptionSpec<string | undefined> {
  return { doc, shownDefault, parse: (raw) => raw };
}

function boolean(fallback: boolean, doc: string): OptionSpec<boolean> {
  return {
    doc,
    shownDefault: code(String(fallback)),
    parse(raw, name) {
      if (raw === undefined) return fallback;
      const value = raw.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(name, `expected true or false, got "${raw}"`);
    },
  };
}

function oneOf<T extends string>(fallback: T, allowed: readonly T[], doc: string): OptionSpec<T> {
  return {
    doc,
    shownDefault: code(fallback),
    parse(raw, name) {
      if (raw === undefined) return fallback;
      if (!(allowed as readonly string[]).includes(raw)) {
        throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
      }
      return raw as T;
    },
  };
}

/** A comma-separated list; each item checked by `item`, which throws a ConfigError. */
function list(
  doc: string,
  item: (value: string, name: string) => string = (value) => value,
  shownDefault = '(none)',
): OptionSpec<readonly string[]> {
  return {
    doc,
    shownDefault,
    parse(raw, name) {
      if (raw === undefined) return [];
      return raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => item(part, name));
    },
  };
}

/** An IP address literal in canonical form, or undefined when unset. */
function ipAddress(doc: string, shownDefault = '(none)'): OptionSpec<string | undefined> {
  return {
    doc,
    shownDefault,
    parse(raw, name) {
      if (raw === undefined) return undefined;
      const address = canonicalIp(raw);
      if (address === undefined) throw new ConfigError(name, `"${raw}" is not an IP address`);
      return address;
    },
  };
}

function origin(value: string, name: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    !['http:', 'https:'].includes(url.protocol) ||
    url.origin !== value.replace(/\/$/u, '')
  ) {
    throw new ConfigError(name, `"${value}" is not an origin like https://chat.example`);
  }
  return url.origin;
}

function iceUrl(value: string, name: string): string {
  if (!/^(?:turns?|stuns?):[^\s]+$/u.test(value)) {
    throw new ConfigError(name, `"${value}" is not a turn:, turns: or stun: URL`);
  }
  return value;
}

export const TURN_MODES = ['embedded', 'external', 'off'] as const;
export type TurnMode = (typeof TURN_MODES)[number];

export const POW_MODES = ['off', 'on', 'auto'] as const;
export type PowMode = (typeof POW_MODES)[number];

/** The declaration. Order is the README's and --help's. */
export const OPTIONS = {
  PORT: integer(3000, 0, 65535, 'HTTP and Socket.IO port'),
  HOST: text('0.0.0.0', 'address to listen on'),
  ALLOWED_ORIGINS: list(
    "comma-separated origins allowed besides the page's own (e.g. `https://chat.example`)",
    origin,
  ),
  TRUST_PROXY_HOPS: integer(
    0,
    0,
    10,
    'reverse proxies in front whose `X-Forwarded-For` is trusted for the client address',
  ),
  MAX_CONNECTIONS_PER_ADDRESS: integer(
    10,
    1,
    100_000,
    'live connections one client address (IPv6: one /56) may hold',
  ),
  CONNECTIONS_PER_MINUTE: integer(
    60,
    1,
    100_000,
    'new connections one client address may open per minute (shared across nodes)',
  ),
  STARTS_PER_MINUTE: integer(
    120,
    1,
    100_000,
    'Starts and Nexts one client address may send per minute (shared across nodes)',
  ),
  INTEREST_WAIT_SECONDS: integer(
    5,
    0,
    3600,
    'how long strangers with interests wait for a shared one before anyone will do',
  ),
  SKIP_MEMORY_MINUTES: integer(10, 0, 24 * 60, 'how long a skipped stranger is not offered again'),
  LANGUAGE_WAIT_SECONDS: integer(
    10,
    0,
    3600,
    'how long strangers who gave languages wait for one who speaks one of them before anyone will do',
  ),
  LANGUAGE_ONLY_WAIT_SECONDS: integer(
    120,
    10,
    3600,
    'how long a stranger who asked for speakers of their languages only waits before the search ends',
  ),
  RESUME_GRACE_SECONDS: integer(
    20,
    0,
    600,
    'how long a chat waits for a stranger whose connection dropped to come back (resume) before the partner is told they left; 0: at once',
  ),
  BLOCK_MINUTES: integer(
    60,
    1,
    7 * 24 * 60,
    'how long a stranger someone reported or blocked is not matched with them again, across reconnects',
  ),
  BAN_REPORTS: integer(
    3,
    1,
    1000,
    'reports from this many different addresses within `REPORT_WINDOW_MINUTES` ban an address',
  ),
  REPORT_WINDOW_MINUTES: integer(60, 1, 7 * 24 * 60, 'how long a report counts towards a ban'),
  BAN_MINUTES: integer(60, 1, 7 * 24 * 60, 'how long a ban keeps an address from starting'),
  MAX_MESSAGE_BYTES: integer(
    64 * 1024,
    8 * 1024,
    1024 * 1024,
    'largest Socket.IO message; a larger one closes that connection',
  ),
  RATE_LIMIT_BURST: integer(40, 1, 10_000, 'events a connection may send at once'),
  RATE_LIMIT_PER_SECOND: integer(
    10,
    1,
    10_000,
    'events a connection may send per second, sustained',
  ),
  RATE_LIMIT_DISCONNECT_AFTER: integer(
    100,
    1,
    1_000_000,
    'a connection that keeps sending until it is this many events (or other packets) past its rate limit is cut off',
  ),
  CUT_OFF_COOLDOWN_SECONDS: integer(
    10,
    1,
    3600,
    'after a connection is cut off, its address may not connect for this long; each further cut-off within an hour doubles it',
  ),
  CUT_OFF_COOLDOWN_MAX_SECONDS: integer(
    900,
    1,
    24 * 3600,
    'the longest cool-down after cut-offs, however many',
  ),
  PING_INTERVAL_MS: integer(10_000, 100, 60_000, 'Engine.IO ping interval'),
  PING_TIMEOUT_MS: integer(
    5000,
    100,
    60_000,
    'a client silent this long after a ping is dropped (interval + timeout bound how fast a lost partner is noticed)',
  ),
  HANDSHAKE_TIMEOUT_MS: integer(
    10_000,
    100,
    120_000,
    "longest a client may take to send an HTTP request's headers, and to join Socket.IO once connected",
  ),
  REQUEST_TIMEOUT_MS: integer(
    30_000,
    100,
    600_000,
    'longest a client may take to send a whole HTTP request, body included; at least `HANDSHAKE_TIMEOUT_MS`',
  ),
  LOG_DIR: text('logs', 'folder for daily metadata logs and their pseudonym keys', code('./logs')),
  LOG_RETENTION_DAYS: integer(30, 1, 3650, 'days a log file and its key are kept'),
  RELAY_DEFAULT: boolean(false, 'tick "Hide my IP address" by default'),
  SAFE_START_DEFAULT: boolean(
    true,
    'tick "Blur video until I choose to see it" by default: each new stranger\'s video starts blurred',
  ),
  POW: oneOf<PowMode>(
    'off',
    POW_MODES,
    'proof of work in the handshake: `on`, `off`, or `auto` (on while connection attempts exceed `POW_AUTO_CONNECTIONS_PER_MINUTE`)',
  ),
  POW_AUTO_CONNECTIONS_PER_MINUTE: integer(
    600,
    1,
    1_000_000,
    'with `POW=auto`: connection attempts in the last minute, refused ones included, above which proof of work is on',
  ),
  POW_DIFFICULTY: integer(
    1_000_000,
    1000,
    50_000_000,
    'most SHA-256 hashes a browser tries to solve a challenge, half of it on average (docs/self-hosting.md has timings)',
  ),
  POW_SECRET: optionalText(
    'key that signs proof-of-work challenges, at least 16 characters; the same on every node with `REDIS_URL`',
    'random per process',
  ),
  METRICS_PORT: optionalInteger(
    0,
    65535,
    'port of a separate HTTP server answering only `GET /metrics` (Prometheus); `0`: any free port (printed at start); unset: no such server',
  ),
  METRICS_LISTEN_ADDRESS: text(
    '127.0.0.1',
    'address the metrics server binds (`0.0.0.0` for a scraper in another container)',
  ),
  METRICS_TOKEN: optionalText(
    'bearer token that opens `GET /metrics` on the main port too, at least 16 characters; unset: no `/metrics` there',
  ),
  SHUTDOWN_TIMEOUT_MS: integer(
    5000,
    100,
    120_000,
    'longest a graceful shutdown may take before the process exits anyway',
  ),
  WEB_BUILD_DIR: optionalText('built web client to serve', code('web/build')),
  REDIS_URL: optionalText(
    'Redis shared by several signaling nodes (`redis://host:6379`); unset: one process, in memory',
  ),
  REDIS_KEY_PREFIX: text(
    'mayfly:',
    'prefix of every Redis key, to share one Redis between deployments',
  ),
  TURN_MODE: oneOf<TurnMode>(
    'embedded',
    TURN_MODES,
    '`embedded` (our TURN server in this process, UDP and TCP), `external` (e.g. coturn at `TURN_URLS`) or `off`',
  ),
  TURN_PORT: integer(3478, 0, 65535, 'UDP and TCP port of the embedded TURN server'),
  TURN_LISTEN_ADDRESS: ipAddress(
    'address the embedded TURN server binds (independent of `HOST`, which may be loopback behind a proxy)',
    code('0.0.0.0'),
  ),
  TURN_SECRET: optionalText(
    "shared secret for time-limited TURN credentials (coturn's `static-auth-secret`); at least 16 characters",
    'random per process',
  ),
  TURN_REALM: text('mayfly', 'TURN realm'),
  TURN_URLS: list(
    "TURN URLs handed to clients; required for `external`; else derived from the page's host (see self-hosting)",
    iceUrl,
    '(derived)',
  ),
  TURN_EXTERNAL_IP: ipAddress('public relay IP address when the host is behind NAT'),
  TURN_ALLOWED_PEERS: list(
    'CIDR ranges or single addresses the relay may reach despite the deny list (private deployments)',
  ),
  TURN_CREDENTIAL_TTL_SECONDS: integer(
    86_400,
    60,
    7 * 86_400,
    'lifetime of minted TURN credentials',
  ),
  TURN_MAX_ALLOCATIONS_PER_USER: integer(10, 1, 1000, 'allocations one credential may hold'),
  TURN_ALLOCATION_LIFETIME_SECONDS: integer(
    600,
    30,
    3600,
    'lifetime of an embedded TURN allocation the browser does not refresh',
  ),
} as const satisfies Record<string, OptionSpec<unknown>>;

export type Variable = keyof typeof OPTIONS;
export type OptionValues = {
  readonly [V in Variable]: ReturnType<(typeof OPTIONS)[V]['parse']>;
};

export const CONFIG_VARIABLES = Object.keys(OPTIONS) as Variable[];

/** `PORT` -> `--port`. */
export function flagOf(variable: Variable): string {
  return `--${variable.toLowerCase().replaceAll('_', '-')}`;
}

/** Reads every option from `source`; throws a ConfigError naming the first bad one. */
export function readOptions(source: Readonly<Record<string, string | undefined>>): OptionValues {
  const values: Record<string, unknown> = {};
  for (const variable of CONFIG_VARIABLES) {
    const raw = source[variable]?.trim();
    values[variable] = OPTIONS[variable].parse(raw === '' ? undefined : raw, variable);
  }
  return values as OptionValues;
}

/** The README's configuration table, as Markdown rows (Prettier aligns them). */
export function renderOptionsTable(): string {
  const rows = [
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...CONFIG_VARIABLES.map(
      (variable) =>
        `| \`${variable}\` | ${OPTIONS[variable].shownDefault} | ${OPTIONS[variable].doc} |`,
    ),
  ];
  return rows.join('\n');
}

/** The `--help` listing. */
export function renderHelp(command: string): string {
  const width = Math.max(...CONFIG_VARIABLES.map((variable) => flagOf(variable).length));
  const plain = (value: string): string => value.replaceAll('`', '');
  const lines = CONFIG_VARIABLES.map(
    (variable) =>
      `  ${flagOf(variable).padEnd(width)}  ${plain(OPTIONS[variable].doc)}\n` +
      `  ${''.padEnd(width)}  env ${variable}, default ${plain(OPTIONS[variable].shownDefault)}`,
  );
  return [
    `usage: ${command} [--option value ...]`,
    '',
    'Every option is also an environment variable; flags win over the environment.',
    '',
    ...lines,
    '',
  ].join('\n');
}
