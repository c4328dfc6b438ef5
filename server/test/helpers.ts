/**
 * Test helpers: a real server on a real port (0) and real socket.io clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { createApp, type MayflyApp } from '../src/app.js';
import { parseConfig, type Config } from '../src/config.js';
import { createHttpServer } from '../src/server.js';
import type { Clock } from '@mayfly/protocol';
import {
  POW_CHALLENGE_PATH,
  type Ack,
  type ClientToServerEvents,
  type HandshakeAuth,
  type IceServer,
  type PowChallenge,
  type ServerToClientEvents,
  type StartRequest,
  type Welcome,
} from '@mayfly/protocol';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly app: MayflyApp;
  readonly config: Config;
  readonly logDir: string;
  close(): Promise<void>;
}

export async function startServer(
  env: Record<string, string> = {},
  deps: { clock?: Clock; iceServersFor?: (request: IncomingMessage) => IceServer[] } = {},
): Promise<TestServer> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-logs-'));
  const config = parseConfig({
    LOG_DIR: logDir,
    PORT: '0',
    HOST: '127.0.0.1',
    TURN_MODE: 'off',
    // Tests open many connections from one address within a minute.
    CONNECTIONS_PER_MINUTE: '100000',
    STARTS_PER_MINUTE: '100000',
    // A dropped partner is reported at once unless a test is about resuming.
    RESUME_GRACE_SECONDS: '0',
    ...env,
  });
  const httpServer = createHttpServer(config.http);
  const app = createApp(httpServer, config, deps);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const clients: Client[] = [];
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    config,
    logDir,
    async close() {
      for (const client of clients) client.disconnect();
      await app.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/** A connected client that has received its welcome. */
export async function connectClient(
  server: { url: string },
  options: { origin?: string; transports?: string[]; forwardedFor?: string } = {},
): Promise<Client> {
  const headers: Record<string, string> = {
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    // With TRUST_PROXY_HOPS=1 this is the client's address, as a proxy in front would say.
    ...(options.forwardedFor === undefined ? {} : { 'x-forwarded-for': options.forwardedFor }),
  };
  const client: Client = connect(server.url, {
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(Object.keys(headers).length === 0 ? {} : { extraHeaders: headers }),
  });
  await new Promise<void>((resolve, reject) => {
    client.once('welcome', () => resolve());
    client.once('connect_error', reject);
  });
  return client;
}

export function startSearch(client: Client, request: StartRequest = {}): Promise<Ack> {
  return client.emitWithAck('start', request);
}

/** Resolves with the next occurrence of a server event. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: Client,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    // The cast bridges socket.io's generic listener typing; the payload type is E's.
    client.once(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) =>
      resolve(payload)) as never);
  });
}

/** Records every event a client receives, to assert what it did not get. */
export function recordEvents(client: Client): { event: string; args: unknown[] }[] {
  const received: { event: string; args: unknown[] }[] = [];
  client.onAny((event: string, ...args: unknown[]) => received.push({ event, args }));
  return received;
}

/** Two clients that started with the given requests and are now paired. */
export async function connectPair(
  server: { url: string },
  first: StartRequest = {},
  second: StartRequest = {},
): Promise<[Client, Client]> {
  const a = await connectClient(server);
  const b = await connectClient(server);
  const matchedA = nextEvent(a, 'matched');
  const matchedB = nextEvent(b, 'matched');
  await startSearch(a, first);
  await startSearch(b, second);
  await Promise.all([matchedA, matchedB]);
  return [a, b];
}

/**
 * Lets in-flight messages arrive before asserting that something did not
 * happen: the server answers events in order, so the answer to a round trip
 * on a client comes after everything the server sent it before. The round
 * trip is an unknown event, which changes no state.
 */
export async function settle(...clients: Client[]): Promise<void> {
  for (const client of clients) {
    const raw = client as unknown as { emitWithAck(event: string): Promise<unknown> };
    await raw.emitWithAck('settle');
  }
}

export async function fetchChallenge(server: { url: string }): Promise<PowChallenge> {
  const response = await fetch(`${server.url}${POW_CHALLENGE_PATH}`);
  return (await response.json()) as PowChallenge;
}

/** A proof-of-work challenge from `server`, solved with altcha-lib's own solver. */
export async function solved(server: { url: string }): Promise<HandshakeAuth> {
  const challenge = await fetchChallenge(server);
  const solution = await solveChallenge({ challenge, deriveKey });
  if (solution === null) throw new Error('no solution found');
  const { counter, derivedKey } = solution;
  return { pow: { challenge, solution: { counter, derivedKey } } };
}

export type Attempt = { admitted: true; welcome: Welcome } | { admitted: false; data: unknown };

/** One connection attempt: welcomed, or refused with `connect_error`'s data. */
export async function attempt(
  server: { url: string },
  auth: HandshakeAuth | undefined,
  openClients: Client[],
): Promise<Attempt> {
  const socket: Client = connect(server.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(auth === undefined ? {} : { auth }),
  });
  openClients.push(socket);
  return new Promise((resolve) => {
    socket.once('welcome', (welcome) => resolve({ admitted: true, welcome }));
    socket.once('connect_error', (error: Error & { data?: unknown }) =>
      resolve({ admitted: false, data: error.data }),
    );
  });
}

export { ManualClock } from '@mayfly/protocol';
