/**
 * Test helpers: a real server on a real port (0) and real socket.io clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { createApp, type MayflyApp } from '../src/app.js';
import { parseConfig, type Config } from '../src/config.js';
import { createHttpServer } from '../src/server.js';
import type { Clock } from '@mayfly/protocol';
import type {
  Ack,
  ClientToServerEvents,
  IceServer,
  ServerToClientEvents,
  StartRequest,
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
  options: { origin?: string; transports?: string[] } = {},
): Promise<Client> {
  const client: Client = connect(server.url, {
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.origin === undefined ? {} : { extraHeaders: { origin: options.origin } }),
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

export { ManualClock } from '@mayfly/protocol';
