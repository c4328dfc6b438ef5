/**
 * The Socket.IO adapter, wired: handshake admission, per-connection guards,
 * one handler per client event, and the delivery of matching decisions
 * (handshake-admission.ts, connection-guard.ts, event-handlers.ts,
 * decision-delivery.ts). The server picks every relay target, never the
 * client; the adapter holds no matching rules of its own and writes
 * connection metadata only.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import {
  type Ack,
  CLIENT_EVENTS,
  type Clock,
  type ConnectRefusalCode,
  ErrorCode,
  type IceServer,
  PROTOCOL_VERSION,
} from '@mayfly/protocol';
import { memoryAddressLimits, type AddressLimits } from './address-limits.js';
import { clientAddressKey, clientAddressOf } from './client-address.js';
import { localConnectionCap, type ConnectionCap } from './connection-cap.js';
import { ConnectionGuard } from './connection-guard.js';
import { DecisionDelivery } from './decision-delivery.js';
import { releaseRequest, type EngineConnection } from './engine-connection.js';
import { type ClientEvent, eventHandlers, refreshTags } from './event-handlers.js';
import { HandshakeAdmission, refusal } from './handshake-admission.js';
import {
  inMemoryMatching,
  MatchingUnavailableError,
  type MatchingBackend,
} from './matching/index.js';
import type { MetadataSink, SignalingObservation } from './metadata.js';
import { memoryModeration, type Moderation } from './moderation.js';
import type { SignalingConfig } from './signaling-config.js';
import type { SignalingServer, SignalingSocket } from './signaling-socket.js';

export { isOriginAllowed } from './handshake-admission.js';
export type { SignalingServer } from './signaling-socket.js';

export interface SignalingDeps {
  readonly clock: Clock;
  readonly metadataLog: MetadataSink;
  /** The pseudonym the metadata log knows a client address by. */
  readonly pseudonymOf: (address: string) => string;
  /** ICE servers, with fresh credentials, for a new connection. */
  readonly iceServersFor: (request: IncomingMessage) => IceServer[];
  /** Who holds the strangers; this process's Matchmaker by default. */
  readonly matching?: MatchingBackend;
  /** Connections and starts per address per minute; counted in this process by default. */
  readonly addressLimits?: AddressLimits;
  /** Reports and bans; in this process's memory by default. */
  readonly moderation?: Moderation;
  /** Live connections per address; counted in this process by default. */
  readonly connectionCap?: ConnectionCap;
  /** A Socket.IO adapter shared by several nodes (Redis); none in one process. */
  readonly adapter?: ServerOptions['adapter'];
  /**
   * Decides on every connection attempt from its handshake's `auth`, before it counts as a
   * connection (registered, logged, welcomed): undefined admits it, a code refuses it with
   * `connect_error`. Proof of work plugs in here; without it every attempt is admitted.
   */
  readonly admit?: (auth: unknown) => Promise<ConnectRefusalCode | undefined>;
  /** Counts what the log thins out: every refused handshake and every failed event (metrics). */
  readonly observe?: (observation: SignalingObservation) => void;
}

export interface Signaling {
  readonly io: SignalingServer;
  readonly matching: MatchingBackend;
  /** Tells every client the server is going away, then disconnects them all. */
  shutdown(retryAfterMs: number): Promise<void>;
}

const KNOWN_EVENTS: readonly string[] = CLIENT_EVENTS;

function isClientEvent(event: string): event is ClientEvent {
  return KNOWN_EVENTS.includes(event);
}

/** Answers through the acknowledgement, or with `protocolError` when a failed event had none. */
function reply(socket: SignalingSocket, event: string, ack: unknown, response: Ack): void {
  if (typeof ack === 'function') {
    (ack as (response: Ack) => void)(response);
  } else if (!response.ok) {
    socket.emit(
      'protocolError',
      isClientEvent(event) ? { code: response.code, event } : { code: response.code },
    );
  }
}

export function attachSignaling(
  httpServer: HttpServer,
  config: SignalingConfig,
  deps: SignalingDeps,
): Signaling {
  const { clock, metadataLog, pseudonymOf } = deps;
  const matching = deps.matching ?? inMemoryMatching(config.matching, clock);
  const moderation = deps.moderation ?? memoryModeration(config.moderation, clock);
  const addressLimits = deps.addressLimits ?? memoryAddressLimits(config.addressLimits, clock);
  let shuttingDown = false;

  const admission = new HandshakeAdmission({
    config,
    clock,
    metadataLog,
    pseudonymOf,
    moderation,
    addressLimits,
    connectionCap: deps.connectionCap ?? localConnectionCap(config.maxConnectionsPerAddress),
    isShuttingDown: () => shuttingDown,
    ...(deps.observe === undefined ? {} : { observe: deps.observe }),
  });
  const io: SignalingServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: config.limits.maxMessageBytes,
    pingInterval: config.limits.pingIntervalMs,
    pingTimeout: config.limits.pingTimeoutMs,
    // A handshake that never joins (a proof of work never sent) holds its slot this long at most.
    connectTimeout: config.limits.connectTimeoutMs,
    ...(deps.adapter === undefined ? {} : { adapter: deps.adapter }),
    allowRequest: admission.allowRequest,
  });
  const delivery = new DecisionDelivery(io, matching, {
    clock,
    metadataLog,
    shared: deps.adapter !== undefined,
  });
  const guard = new ConnectionGuard({
    limits: config.limits,
    trustProxyHops: config.trustProxyHops,
    clock,
    metadataLog,
    pseudonymOf,
    addressLimits,
    admittedTagsOf: (connection) => admission.tagsOf(connection),
    onSharedStateFailure: (operation) => delivery.failure(operation),
  });
  const handlers = eventHandlers({
    io,
    clock,
    moderationConfig: config.moderation,
    matching,
    moderation,
    addressLimits,
    delivery,
    metadataLog,
  });

  const admit = deps.admit;
  if (admit !== undefined) {
    io.use((socket, next) => {
      admit(socket.handshake.auth).then(
        (code) => next(code === undefined ? undefined : refusal(code)),
        (error: unknown) => {
          console.error(`signaling: admission failed: ${(error as Error).name}`);
          next(new Error('admission failed'));
        },
      );
    });
  }
  io.engine.on(
    'connection',
    (connection: EngineConnection & { once(e: 'close', l: () => void): void }) => {
      admission.connectionOpened(connection);
      guard.watch(connection);
    },
  );
  io.use(guard.oneSessionPerConnection);

  const respond = async (socket: SignalingSocket, event: string, args: unknown[]): Promise<Ack> => {
    if (shuttingDown) return { ok: false, code: ErrorCode.ShuttingDown };
    if (!isClientEvent(event)) return { ok: false, code: ErrorCode.UnknownEvent };
    try {
      return await handlers[event](socket, args);
    } catch (error) {
      if (error instanceof MatchingUnavailableError) {
        return { ok: false, code: ErrorCode.MatchingUnavailable };
      }
      // A bug must cost one event, not the service. Log the kind only: never payloads.
      console.error(`signaling: ${event} handler failed: ${(error as Error).name}`);
      return { ok: false, code: ErrorCode.InvalidPayload };
    }
  };

  io.on('connection', (socket) => {
    // An unhandled socket error might crash the server. Handle it first.
    // Socket.IO reports undecodable packets this way.
    socket.on('error', () => guard.cutOff(socket.conn, 'malformed'));
    guard.sessionJoined(socket);

    const address = clientAddressOf(socket.request, config.trustProxyHops);
    socket.data = {
      client: pseudonymOf(address),
      addressKey: clientAddressKey(address),
      connectedAt: clock.now(),
      tags: [],
      relayOnly: false,
      languages: {},
      protocolErrors: 0,
      guard: guard.budgetOf(socket.conn),
    };
    // Events wait for the registration, so that a start never overtakes it. One that failed
    // (Redis away) is done again by the next start or next.
    const registered = refreshTags(socket, moderation, matching).catch(
      delivery.failure('register'),
    );
    metadataLog.write({ event: 'connect', client: socket.data.client });

    socket.emit('welcome', {
      protocolVersion: PROTOCOL_VERSION,
      iceServers: deps.iceServersFor(socket.request),
      relayByDefault: config.relayByDefault,
      safeStartByDefault: config.safeStartByDefault,
      resumeGraceMs: config.matching.resumeGraceMs,
    });
    // Nothing reads the request after this point: free it for the connection's lifetime.
    releaseRequest(socket.conn);

    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.length > 0 ? args[args.length - 1] : undefined;
      const payload = typeof ack === 'function' ? args.slice(0, -1) : args;
      const answer = (response: Ack): void => {
        if (!response.ok) deps.observe?.({ event: 'protocol_error', code: response.code });
        // Failed events must not become log lines at the sender's will: the first one is
        // logged, the disconnect line counts them all.
        if (!response.ok && socket.data.protocolErrors++ === 0) {
          metadataLog.write({
            event: 'protocol_error',
            client: socket.data.client,
            code: response.code,
          });
        }
        reply(socket, event, ack, response);
      };
      if (!socket.data.guard.admitEvent()) answer({ ok: false, code: ErrorCode.RateLimited });
      else void registered.then(() => respond(socket, event, payload)).then(answer);
    });

    socket.on('disconnect', () => {
      const { protocolErrors } = socket.data;
      metadataLog.write({
        event: 'disconnect',
        client: socket.data.client,
        durationMs: clock.now() - socket.data.connectedAt,
        ...(protocolErrors > 0 ? { protocolErrors } : {}),
      });
      void registered.then(() => delivery.disconnected(socket.id));
    });
  });

  return {
    io,
    matching,
    async shutdown(retryAfterMs: number): Promise<void> {
      shuttingDown = true;
      delivery.close();
      // Shared matching: take this node's strangers out while the adapter can still tell
      // their partners on other nodes.
      await matching.close().catch(delivery.failure('close'));
      // Local only: with a Redis adapter a plain emit would reach every node's clients.
      io.local.emit('shutdown', { retryAfterMs });
      // Give the shutdown notice a moment to leave the socket buffers.
      await new Promise((resolve) => setTimeout(resolve, 50));
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
