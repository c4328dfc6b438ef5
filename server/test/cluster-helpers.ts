/**
 * Several real signaling nodes on one real Redis: in this process
 * (startNode), as child processes that can be killed (spawnNode), a Redis
 * server of the test's own that can be stopped (startRedisServer), and a
 * TCP balancer in front of the nodes that skips dead ones, as nginx would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Clock } from '@mayfly/protocol';
import { parseConfig } from '../src/config.js';
import { startMayfly, type Mayfly } from '../src/server.js';

export const TEST_REDIS_URL = process.env.MAYFLY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MAIN = path.resolve(import.meta.dirname, '../src/main.ts');

export interface TestNode {
  readonly url: string;
  readonly port: number;
  readonly mayfly: Mayfly;
  readonly logDir: string;
  close(): Promise<void>;
}

/** A key prefix of a test's own, so that tests sharing one Redis never meet. */
export function testPrefix(): string {
  return `mayfly-test:${randomUUID()}:`;
}

export async function startNode(
  env: Record<string, string>,
  options: { clock?: Clock } = {},
): Promise<TestNode> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-node-'));
  const config = parseConfig({
    LOG_DIR: logDir,
    PORT: '0',
    HOST: '127.0.0.1',
    TURN_MODE: 'off',
    REDIS_URL: TEST_REDIS_URL,
    MAX_CONNECTIONS_PER_ADDRESS: '2000',
    CONNECTIONS_PER_MINUTE: '100000',
    STARTS_PER_MINUTE: '100000',
    RATE_LIMIT_BURST: '1000',
    // A dropped partner is reported at once unless a test is about resuming.
    RESUME_GRACE_SECONDS: '0',
    ...env,
  });
  const mayfly = await startMayfly(config, options);
  const port = await mayfly.listen();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    mayfly,
    logDir,
    async close() {
      await mayfly.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
}

/** The real entry point as a child process, to be killed without a goodbye. */
export async function spawnNode(env: Record<string, string>): Promise<NodeProcess> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-node-'));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
    env: {
      PATH: process.env.PATH,
      LOG_DIR: logDir,
      PORT: '0',
      HOST: '127.0.0.1',
      TURN_MODE: 'off',
      WEB_BUILD_DIR: logDir,
      REDIS_URL: TEST_REDIS_URL,
      MAX_CONNECTIONS_PER_ADDRESS: '2000',
      CONNECTIONS_PER_MINUTE: '100000',
      STARTS_PER_MINUTE: '100000',
      // A dropped partner is reported at once unless a test is about resuming.
      RESUME_GRACE_SECONDS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', () => rmSync(logDir, { recursive: true, force: true }));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/u.exec(output);
      // With Redis the node also says which node it is, once it has joined the others.
      const joined = env.REDIS_URL === '' || output.includes('as node');
      if (match?.[1] !== undefined && joined) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`node exited with ${code}: ${output}`)));
  });
  return { child, port, output: () => output };
}

/**
 * A round-robin TCP balancer on loopback: each new connection goes to the
 * next backend that accepts it, so clients of a dead node reconnect to a
 * live one by themselves.
 */
export async function startBalancer(ports: readonly number[]): Promise<{
  url: string;
  close(): Promise<void>;
}> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    const tryBackend = (attempt: number): void => {
      if (attempt >= ports.length) {
        client.destroy();
        return;
      }
      const port = ports[next++ % ports.length] ?? 0;
      const upstream = net.connect(port, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        sockets.add(upstream);
        upstream.once('close', () => sockets.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
      });
      upstream.on('error', () => {
        if (connected) client.destroy();
        else tryBackend(attempt + 1);
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server of the test's own, on a free port, keeping nothing on disk. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const server: RedisServer = {
    url,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50 });
      probe.on('error', () => undefined);
      await probe.connect().catch(() => undefined);
      await probe.ping();
      probe.disconnect();
    },
    async stop() {
      const running = child;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
  await server.start();
  return server;
}

/** Every key under `prefix`, for audits; never run on a shared production Redis. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  return redis.keys(`${prefix}*`);
}
