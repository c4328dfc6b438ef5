/**
 * The Socket.IO adapter: translates socket events into Matchmaker calls and
 * the Matchmaker's decisions into emits, relays signals to the sender's
 * partner (the server picks the target, never the client), and writes
 * connection metadata. It holds no matching rules of its own.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  type Ack,
  CLIENT_EVENTS,
  type ClientToServerEvents,
  type Clock,
  ErrorCode,
  type IceServer,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
  type Signal,
} from '@mayfly/protocol';
import { clientAddressKey, clientAddressOf } from './client-address.js';
import { Matchmaker, type Decision } from './matching/index.js';
import type { MetadataSink, RejectionReason } from './metadata.js';
import { RateLimiter } from './rate-limiter.js';
import {
  isRelayCandidate,
  parseSignal,
  parseStartRequest,
  stripNonRelayCandidates,
} from './schemas.js';
import type { SignalingConfig } from './signaling-config.js';

interface SocketData {
  client: string;
  connectedAt: number;
  nickname: string | undefined;
  relayOnly: boolean;
  limiter: RateLimiter;
  /** Whether the socket is over its rate limit, so only the first dropped event is logged. */
  limited: boolean;
}

type InterServerEvents = Record<string, never>;
export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export interface SignalingDeps {
  readonly clock: Clock;
  readonly metadataLog: MetadataSink;
  /** The pseudonym the metadata log knows a client address by. */
  readonly pseudonymOf: (address: string) => string;
  /** ICE servers, with fresh credentials, for a new connection. */
  readonly iceServersFor: (request: IncomingMessage) => IceServer[];
}

export interface Signaling {
  readonly io: SignalingServer;
  readonly matchmaker: Matchmaker;
  /** Tells every client the server is going away, then disconnects them all. */
  shutdown(retryAfterMs: number): Promise<void>;
}

/** Reply shape for acknowledgements and for `protocolError` when there is no ack. */
function reply(socket: SignalingSocket, event: string, ack: unknown, response: Ack): void {
  if (typeof ack === 'function') {
    (ack as (response: Ack) => void)(response);
  } else if (!response.ok) {
    const known = (CLIENT_EVENTS as readonly string[]).includes(event);
    socket.emit(
      'protocolError',
      known
        ? { code: response.code, event: event as keyof ClientToServerEvents }
        : { code: response.code },
    );
  }
}

/**
 * Browsers always send Origin on WebSocket handshakes and cross-origin
 * requests, so a request without one is not another site acting through a
 * visitor's browser (non-browser clients can claim any Origin anyway).
 * Otherwise the Origin must be the page's own, or listed.
 */
export function isOriginAllowed(
  request: IncomingMessage,
  allowedOrigins: readonly string[],
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function attachSignaling(
  httpServer: HttpServer,
  config: SignalingConfig,
  deps: SignalingDeps,
): Signaling {
  const { clock, metadataLog, pseudonymOf } = deps;
  const matchmaker = new Matchmaker(config.matching, clock);
  const connectionsPerAddress = new Map<string, number>();
  let shuttingDown = false;
  let matchTimer: NodeJS.Timeout | undefined;

  const addressKeyOf = (request: IncomingMessage): string =>
    clientAddressKey(clientAddressOf(request, config.trustProxyHops));

  const reject = (request: IncomingMessage, reason: RejectionReason): void => {
    const address = clientAddressOf(request, config.trustProxyHops);
    metadataLog.write({ event: 'rejected', client: pseudonymOf(address), reason });
  };

  const io: SignalingServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: config.limits.maxMessageBytes,
    pingInterval: config.limits.pingIntervalMs,
    pingTimeout: config.limits.pingTimeoutMs,
    // The WebSocket handshake ignores CORS; this check is what keeps other sites out.
    allowRequest: (request, callback) => {
      if (shuttingDown) {
        reject(request, 'shutting_down');
        return callback('shutting down', false);
      }
      if (!isOriginAllowed(request, config.allowedOrigins)) {
        reject(request, 'origin');
        return callback('origin not allowed', false);
      }
      const addressKey = addressKeyOf(request);
      if ((connectionsPerAddress.get(addressKey) ?? 0) >= config.maxConnectionsPerAddress) {
        reject(request, 'connection_cap');
        return callback('too many connections', false);
      }
      callback(null, true);
    },
  });

  // Count live Engine.IO connections per address, for the cap above.
  io.engine.on(
    'connection',
    (rawSocket: { request: IncomingMessage; once(e: 'close', l: () => void): void }) => {
      const addressKey = addressKeyOf(rawSocket.request);
      connectionsPerAddress.set(addressKey, (connectionsPerAddress.get(addressKey) ?? 0) + 1);
      rawSocket.once('close', () => {
        const remaining = (connectionsPerAddress.get(addressKey) ?? 1) - 1;
        if (remaining > 0) connectionsPerAddress.set(addressKey, remaining);
        else connectionsPerAddress.delete(addressKey);
      });
    },
  );

  const scheduleMatching = (): void => {
    clearTimeout(matchTimer);
    const deadline = matchmaker.nextDeadline();
    if (deadline === undefined) return;
    matchTimer = setTimeout(
      () => {
        apply(matchmaker.pairWaiting());
      },
      Math.max(0, deadline - clock.now()),
    );
  };

  const apply = (decisions: readonly Decision[]): void => {
    for (const decision of decisions) {
      if (decision.kind === 'paired') {
        const sides = [
          [decision.initiator, decision.responder, true],
          [decision.responder, decision.initiator, false],
        ] as const;
        for (const [self, partner, initiator] of sides) {
          const socket = io.sockets.sockets.get(self);
          const partnerNickname = io.sockets.sockets.get(partner)?.data.nickname;
          socket?.emit('matched', {
            initiator,
            sharedInterests: [...decision.sharedInterests],
            ...(partnerNickname === undefined ? {} : { partnerNickname }),
          });
          if (socket !== undefined) {
            metadataLog.write({
              event: 'paired',
              client: socket.data.client,
              waitedMs: decision.waitedMs[self] ?? 0,
              byInterest: decision.sharedInterests.length > 0,
            });
          }
        }
      } else {
        const socket = io.sockets.sockets.get(decision.stranger);
        socket?.emit('partnerLeft', { reason: decision.reason });
        if (socket !== undefined) {
          metadataLog.write({
            event: 'chat_ended',
            client: socket.data.client,
            durationMs: decision.pairedForMs,
            reason: decision.reason,
          });
        }
      }
    }
    scheduleMatching();
  };

  const relayToPartner = (socket: SignalingSocket, signal: Signal): Ack => {
    const partner = matchmaker.partnerOf(socket.id);
    if (partner === undefined) return { ok: false, code: ErrorCode.NoPartner };
    let relayed = signal;
    if (socket.data.relayOnly) {
      // Second line of defence for "Hide my IP address": never pass on an address.
      if (signal.type === 'candidate' && !isRelayCandidate(signal.candidate.candidate)) {
        return { ok: true };
      }
      if (signal.type === 'offer' || signal.type === 'answer') {
        relayed = { type: signal.type, sdp: stripNonRelayCandidates(signal.sdp) };
      }
    }
    io.to(partner).emit('signal', relayed);
    return { ok: true };
  };

  const handle = (socket: SignalingSocket, event: string, args: unknown[]): Ack => {
    if (shuttingDown) return { ok: false, code: ErrorCode.ShuttingDown };
    switch (event) {
      case 'start': {
        const parsed = parseStartRequest(args[0]);
        if (!parsed.ok) return parsed;
        if (matchmaker.stateOf(socket.id) !== 'idle')
          return { ok: false, code: ErrorCode.InvalidState };
        socket.data.nickname = parsed.value.nickname;
        socket.data.relayOnly = parsed.value.relayOnly;
        return outcome(matchmaker.start(socket.id, parsed.value.interests));
      }
      case 'next':
        return outcome(matchmaker.next(socket.id));
      case 'stop':
        return outcome(matchmaker.stop(socket.id));
      case 'signal': {
        const parsed = parseSignal(args[0]);
        return parsed.ok ? relayToPartner(socket, parsed.value) : parsed;
      }
      default:
        return { ok: false, code: ErrorCode.UnknownEvent };
    }
  };

  const outcome = (result: ReturnType<Matchmaker['start']>): Ack => {
    if (!result.ok) return { ok: false, code: ErrorCode.InvalidState };
    apply(result.decisions);
    return { ok: true };
  };

  io.on('connection', (socket) => {
    // An unhandled socket error might crash the server. Handle it first.
    socket.on('error', () => socket.disconnect(true));

    const address = clientAddressOf(socket.request, config.trustProxyHops);
    socket.data = {
      client: pseudonymOf(address),
      connectedAt: clock.now(),
      nickname: undefined,
      relayOnly: false,
      limited: false,
      limiter: new RateLimiter(
        config.limits.rateLimitBurst,
        config.limits.rateLimitPerSecond,
        clock,
      ),
    };
    matchmaker.register(socket.id);
    metadataLog.write({ event: 'connect', client: socket.data.client });

    socket.emit('welcome', {
      protocolVersion: PROTOCOL_VERSION,
      iceServers: deps.iceServersFor(socket.request),
      relayByDefault: config.relayByDefault,
    });

    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.length > 0 ? args[args.length - 1] : undefined;
      const payload = typeof ack === 'function' ? args.slice(0, -1) : args;
      let response: Ack;
      const allowed = socket.data.limiter.tryTake();
      // A flood must not turn into a flood of log lines: one per episode.
      const firstDropped = !allowed && !socket.data.limited;
      socket.data.limited = !allowed;
      if (!allowed) {
        response = { ok: false, code: ErrorCode.RateLimited };
      } else {
        try {
          response = handle(socket, event, payload);
        } catch (error) {
          // A bug must cost one event, not the service. Log the kind only: never payloads.
          const known = (CLIENT_EVENTS as readonly string[]).includes(event) ? event : 'unknown';
          console.error(`signaling: ${known} handler failed: ${(error as Error).name}`);
          response = { ok: false, code: ErrorCode.InvalidPayload };
        }
      }
      if (!response.ok && (allowed || firstDropped)) {
        metadataLog.write({
          event: 'protocol_error',
          client: socket.data.client,
          code: response.code,
        });
      }
      reply(socket, event, ack, response);
    });

    socket.on('disconnect', () => {
      apply(matchmaker.remove(socket.id));
      metadataLog.write({
        event: 'disconnect',
        client: socket.data.client,
        durationMs: clock.now() - socket.data.connectedAt,
      });
    });
  });

  return {
    io,
    matchmaker,
    async shutdown(retryAfterMs: number): Promise<void> {
      shuttingDown = true;
      clearTimeout(matchTimer);
      io.emit('shutdown', { retryAfterMs });
      // Give the shutdown notice a moment to leave the socket buffers.
      await new Promise((resolve) => setTimeout(resolve, 50));
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
