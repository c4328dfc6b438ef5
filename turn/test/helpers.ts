/**
 * Test fixtures: an embedded server on loopback with an injected clock, TURN
 * clients and a UDP echo peer. Everything binds 127.0.0.1 and talks only to
 * 127.0.0.1.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { createServer } from 'node:net';
import { afterEach } from 'vitest';
import { mintTurnCredential, startEmbeddedTurn } from '../src/index.js';
import type {
  EmbeddedTurn,
  EmbeddedTurnOptions,
  TurnCredential,
  TurnLogEvent,
} from '../src/index.js';
import { TurnClient, TurnErrorResponse } from '../src/stun-client.js';
import type { TransportAddress } from '../src/stun.js';

export const SECRET = 'test-secret-of-at-least-16-characters';
export const REALM = 'mayfly.test';
export const LOOPBACK = '127.0.0.1';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

export function onCleanup(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

/** A clock tests move by hand; starts at the real time so minted credentials look normal. */
export class TestClock {
  current = Date.now();
  readonly now = (): number => this.current;
  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }
}

export interface TestTurn {
  readonly turn: EmbeddedTurn;
  readonly server: TransportAddress;
  readonly clock: TestClock;
  readonly events: TurnLogEvent[];
  credential(id?: string): TurnCredential;
  /**
   * A TURN client on `localAddress` (default 127.0.0.1) with a fresh
   * credential, or `given`; over UDP unless `transport` says TCP.
   */
  client(
    credential?: Partial<TurnCredential> | null,
    options?: { localAddress?: string; transport?: 'udp' | 'tcp' },
  ): Promise<TurnClient>;
  /** Resolves when the server logs an event of this type. */
  nextEvent<T extends TurnLogEvent['type']>(type: T): Promise<Extract<TurnLogEvent, { type: T }>>;
}

/** `options.log`, when given, is called after each event is recorded. */
export async function startTestTurn(options: Partial<EmbeddedTurnOptions> = {}): Promise<TestTurn> {
  const clock = new TestClock();
  const events: TurnLogEvent[] = [];
  const listeners = new Set<(event: TurnLogEvent) => void>();
  const { log: alsoLog, ...overrides } = options;
  const turn = await startEmbeddedTurn({
    port: 0,
    listenAddress: LOOPBACK,
    relayAddress: LOOPBACK,
    secret: SECRET,
    realm: REALM,
    now: clock.now,
    log: (event) => {
      events.push(event);
      for (const listener of listeners) listener(event);
      alsoLog?.(event);
    },
    ...overrides,
  });
  onCleanup(() => turn.close());
  const server = { address: LOOPBACK, port: turn.port };
  const credential = (id = 'stranger'): TurnCredential =>
    mintTurnCredential({ secret: SECRET, ttlSeconds: 3600, id, now: clock.now() });
  return {
    turn,
    server,
    clock,
    events,
    credential,
    async client(given, { localAddress = LOOPBACK, transport = 'udp' } = {}) {
      const resolved = given === null ? {} : { ...credential(), ...given };
      const client = await TurnClient.open({
        server,
        localAddress,
        transport,
        rtoMs: 200,
        timeoutMs: 2000,
        ...resolved,
      });
      onCleanup(() => client.close());
      return client;
    },
    nextEvent(type) {
      return new Promise((resolve) => {
        const listener = (event: TurnLogEvent): void => {
          if (event.type !== type) return;
          listeners.delete(listener);
          resolve(event as Extract<TurnLogEvent, { type: typeof type }>);
        };
        listeners.add(listener);
      });
    },
  };
}

/** 'ok', or the error code a TURN request was answered with. */
export async function errorCodeOf(request: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await request;
    return 'ok';
  } catch (error) {
    if (error instanceof TurnErrorResponse) return error.code;
    throw error;
  }
}

export interface EchoPeer {
  readonly address: TransportAddress;
  readonly received: { data: Buffer; from: RemoteInfo }[];
}

/** A UDP peer on loopback (127.0.0.1 unless told) that sends every datagram back to its sender. */
export async function startEchoPeer(address = LOOPBACK): Promise<EchoPeer> {
  const socket = createSocket('udp4');
  const received: EchoPeer['received'] = [];
  socket.on('message', (data, from) => {
    received.push({ data, from });
    socket.send(data, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  onCleanup(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return { address: { address, port: socket.address().port }, received };
}

/** A UDP socket on loopback that sends raw bytes and collects what comes back, in order. */
export interface RawSocket {
  send(bytes: Buffer, to: TransportAddress): void;
  /** The next datagram received (those already received first). */
  next(): Promise<Buffer>;
}

export async function openRawSocket(): Promise<RawSocket> {
  const socket = createSocket('udp4');
  const inbox: Buffer[] = [];
  const waiting: ((datagram: Buffer) => void)[] = [];
  socket.on('message', (datagram) => {
    const waiter = waiting.shift();
    if (waiter === undefined) inbox.push(datagram);
    else waiter(datagram);
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  onCleanup(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    send: (bytes, to) => socket.send(bytes, to.port, to.address),
    next: () => {
      const datagram = inbox.shift();
      return datagram === undefined
        ? new Promise((resolve) => waiting.push(resolve))
        : Promise.resolve(datagram);
    },
  };
}

/**
 * A port on loopback that was free for UDP and TCP a moment ago (the
 * embedded server listens on both).
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const tcp = createServer();
    const tcpFree = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen({ host: LOOPBACK, port, exclusive: true }, () => tcp.close(() => resolve(true)));
    });
    if (tcpFree) return port;
  }
}
