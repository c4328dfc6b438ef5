/**
 * The set-up of the hostile-input tests: a server per test, a healthy pair
 * to watch, attackers speaking raw Engine.IO, all closed after each test.
 */
import type net from 'node:net';
import { afterEach, expect } from 'vitest';
import type { Signal } from '@mayfly/protocol';
import {
  type Client,
  connectClient,
  connectPair,
  nextEvent,
  startServer,
  type TestServer,
} from './helpers.js';
import { openRawClient, openTcpWebSocket, type RawClient } from './raw-client.js';

const OFFER: Signal = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n' };

export interface HostileFixture {
  serve(env?: Record<string, string>): Promise<TestServer>;
  /** A socket.io client that received its welcome. */
  client(target: TestServer): Promise<Client>;
  /** Two socket.io clients paired with each other: the users an attack must not disturb. */
  pair(target: TestServer): Promise<[Client, Client]>;
  /** A raw client; joined to Socket.IO's main namespace unless `join` is false. */
  raw(target: TestServer, options?: { join?: boolean }): Promise<RawClient>;
  /** A WebSocket on a bare TCP socket, for frames `ws` would not write. */
  tcpWebSocket(target: TestServer): Promise<net.Socket>;
  /** Asserts that `a`'s offer still reaches its partner `b`. */
  expectStillRelaying(a: Client, b: Client): Promise<void>;
}

/** Call at the top of a test file: registers the clean-up after each test. */
export function useHostileFixture(): HostileFixture {
  let server: TestServer | undefined;
  const clients: Client[] = [];
  const rawClients: RawClient[] = [];
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    for (const raw of rawClients.splice(0)) raw.ws.terminate();
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
    server = undefined;
  });

  return {
    async serve(env = {}) {
      server = await startServer(env);
      return server;
    },
    async client(target) {
      const client = await connectClient(target);
      clients.push(client);
      return client;
    },
    async pair(target) {
      const [a, b] = await connectPair(target);
      clients.push(a, b);
      return [a, b];
    },
    async raw(target, { join = true } = {}) {
      const raw = await openRawClient(target.port);
      rawClients.push(raw);
      if (join) await raw.join();
      return raw;
    },
    async tcpWebSocket(target) {
      const socket = await openTcpWebSocket(target.port);
      sockets.push(socket);
      return socket;
    },
    async expectStillRelaying(a, b) {
      const offer = nextEvent(b, 'signal');
      expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: true });
      expect(await offer).toEqual(OFFER);
    },
  };
}
