/**
 * The three signaling servers measured, each started as a process of its own
 * on a free loopback port: Mayfly (server/dist/main.js under node, as `npm start`
 * runs it), the bare Socket.IO relay and the PeerJS server (TypeScript wrappers
 * of a few lines each, run through tsx).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAYFLY_ENTRY } from './build.js';
import { type Children, REPO_ROOT } from './children.js';
import type { Protocol } from './load/messages.js';

export const SERVER_KINDS = ['peerjs', 'socketio', 'mayfly'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** The wire protocol each server speaks to its clients. */
export const PROTOCOL_OF: Readonly<Record<ServerKind, Protocol>> = {
  mayfly: 'socketio',
  socketio: 'socketio',
  peerjs: 'peerjs',
};

export const SERVER_LABELS: Readonly<Record<ServerKind, string>> = {
  peerjs: 'PeerJS server',
  socketio: 'bare Socket.IO',
  mayfly: 'Mayfly',
};

const ENTRIES: Readonly<Record<ServerKind, string>> = {
  peerjs: path.join(import.meta.dirname, 'baselines/peerjs-server.ts'),
  socketio: path.join(import.meta.dirname, 'baselines/socketio-relay.ts'),
  mayfly: MAYFLY_ENTRY,
};

/**
 * The node flags of a `node <flags> server/dist/main.js` start script: Mayfly is measured with
 * those the root package.json's `npm start` ships, not node's defaults.
 */
export function startScriptNodeFlags(startScript: string): string[] {
  const words = startScript.trim().split(/\s+/u);
  const entry = words.indexOf('server/dist/main.js');
  if (words[0] !== 'node' || entry < 0) {
    throw new Error(
      `expected "node [flags] server/dist/main.js" as npm start, got "${startScript}"`,
    );
  }
  return words.slice(1, entry);
}

/** The node flags of the root package.json's `npm start`. */
export const START_NODE_FLAGS = startScriptNodeFlags(
  (
    JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: { start: string };
    }
  ).scripts.start,
);

/** Generous: a round starts up to six servers at once, on two cores other work shares. */
const START_TIMEOUT_MS = 120_000;
/** Kept of a server's output for the error message when it fails. */
const OUTPUT_KEPT = 8 * 1024;

export interface RedisSharing {
  readonly url: string;
  /** The same for every node of one cluster, new for every cluster the benchmark starts. */
  readonly keyPrefix: string;
}

export interface ServerHandle {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Mayfly as configured for the benchmark: TURN off (no UDP port, no
 * credentials to mint), the per-address limits lifted because every client
 * comes from 127.0.0.1, everything else at its default (pings every 2.5 s,
 * metadata log on).
 */
function mayflyEnv(logDir: string, redis: RedisSharing | undefined): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    TURN_MODE: 'off',
    LOG_DIR: logDir,
    // Signaling only: the web client's request handler would only add to the memory measured.
    WEB_BUILD_DIR: path.join(logDir, 'no-web-client'),
    // All load comes from one loopback address: lift the limits per address.
    MAX_CONNECTIONS_PER_ADDRESS: '100000',
    CONNECTIONS_PER_MINUTE: '100000',
    STARTS_PER_MINUTE: '100000',
    RATE_LIMIT_BURST: '10000',
    RATE_LIMIT_PER_SECOND: '10000',
    ...(redis === undefined ? {} : { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix }),
  };
}

function waitForPort(
  child: ChildProcess,
  kind: ServerKind,
  timeoutMs = START_TIMEOUT_MS,
): Promise<number> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${kind} did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/u.exec(output)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    };
    // Read on after start-up too: a full pipe would block the server's writes.
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited (${signal ?? code}) before listening:\n${output}`));
    });
  });
}

/** Stops what `stop` is given, all at once, and rethrows the first failure of any. */
export async function stopAll(stoppable: readonly { stop(): Promise<void> }[]): Promise<void> {
  const stopped = await Promise.allSettled(stoppable.map((item) => item.stop()));
  const failure = stopped.find((result) => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/**
 * Starts everything at once (start-up costs CPU, which must not overlap a
 * measurement): all of them, or none when one fails.
 */
export async function startAll<T extends { stop(): Promise<void> }>(
  starts: readonly (() => Promise<T>)[],
): Promise<T[]> {
  const started = await Promise.allSettled(starts.map((start) => start()));
  const running = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failure = started.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    await stopAll(running);
    throw failure.reason;
  }
  return running;
}

/** What a measurement may change about how a server runs (experiments; the report uses defaults). */
export interface ServerVariant {
  /** Flags for node, before the script. @default Mayfly: those of `npm start`; baselines: none */
  readonly nodeFlags?: readonly string[];
  /** Added to (or overriding) the server's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** A command that runs node, e.g. valgrind with its options. */
  readonly wrapper?: readonly string[];
  /** @default START_TIMEOUT_MS */
  readonly startTimeoutMs?: number;
}

export async function startServer(
  children: Children,
  kind: ServerKind,
  redis?: RedisSharing,
  variant: ServerVariant = {},
): Promise<ServerHandle> {
  const logDir = kind === 'mayfly' ? mkdtempSync(path.join(tmpdir(), 'mayfly-bench-')) : undefined;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...(logDir === undefined ? {} : mayflyEnv(logDir, redis)),
    ...variant.env,
  };
  const nodeFlags = variant.nodeFlags ?? (kind === 'mayfly' ? START_NODE_FLAGS : []);
  const child = children.spawnScript(ENTRIES[kind], env, nodeFlags, variant.wrapper);
  const cleanUp = (): void => {
    if (logDir !== undefined) rmSync(logDir, { recursive: true, force: true });
  };
  try {
    const port = await waitForPort(child, kind, variant.startTimeoutMs);
    return {
      kind,
      pid: child.pid ?? NaN,
      url: `http://127.0.0.1:${port}`,
      async stop() {
        await children.stop(child);
        cleanUp();
      },
    };
  } catch (error) {
    await children.stop(child);
    cleanUp();
    throw error;
  }
}
