/**
 * The Socket.IO adapter: translates socket events into matching calls and
 * the backend's decisions into emits, relays signals to the sender's
 * partner (the server picks the target, never the client), and writes
 * connection metadata. It holds no matching rules of its own.
 *
 * Why this file is over 500 lines: its four parts (handshake admission,
 * per-connection flood guard, decision delivery across nodes, event
 * handlers) all close over one Socket.IO server and one set of per-socket
 * state, and were written in parallel this session. Each is a candidate
 * for a module of its own taking that state explicitly; until then they
 * are kept in this order, each under its own comment.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import {
  type Ack,
  CLIENT_EVENTS,
  type ClientToServerEvents,
  type Clock,
  type ConnectRefusal,
  type ConnectRefusalCode,
  ErrorCode,
  type IceServer,
  PartnerLeftReason,
  PROTOCOL_VERSION,
  type ReportReason,
  type ServerToClientEvents,
  type Signal,
} from '@mayfly/protocol';
import { clientAddressKey, clientAddressOf } from './client-address.js';
import { memoryAddressLimits, type AddressLimits } from './address-limits.js';
import { localConnectionCap, type ConnectionCap } from './connection-cap.js';
import {
  inMemoryMatching,
  MatchingUnavailableError,
  type Decision,
  type MatchingBackend,
  type MatchResult,
  type StrangerId,
} from './matching/index.js';
import {
  dropSoon,
  type EngineConnection,
  releaseRequest,
  webSocketOf,
} from './engine-connection.js';
import { FloodGuard } from './flood-guard.js';
import type { CutOffReason, MetadataSink, RejectionReason } from './metadata.js';
import { memoryModeration, type Moderation } from './moderation.js';
import {
  isRelayCandidate,
  parseReport,
  parseSignal,
  parseStartRequest,
  stripNonRelayCandidates,
} from './schemas.js';
import type { SignalingConfig } from './signaling-config.js';

interface SocketData {
  client: string;
  /**
   * The part of the client's address that identifies it (clientAddressKey), held in memory
   * for the connection's life so that its tags can follow the key epochs; never written.
   */
  addressKey: string;
  connectedAt: number;
  /** The partner the matching backend paired this socket with, as delivered to this node. */
  partner: StrangerId | undefined;
  pairedAt: number;
  /** Short-lived pseudonyms of the connection's address, for blocks and bans; empty until registered. */
  tags: string[];
  relayOnly: boolean;
  guard: FloodGuard;
  /** Failed events so far; only the first is logged on its own, the disconnect line counts all. */
  protocolErrors: number;
}

/** Between signaling nodes (through the Socket.IO Redis adapter): decisions for each other's sockets. */
interface InterServerEvents {
  decisions: (decisions: readonly Decision[]) => void;
}
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
}

export interface Signaling {
  readonly io: SignalingServer;
  readonly matching: MatchingBackend;
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

/** A refusal as Socket.IO hands it to the client: `connect_error` with `data`. */
function refusal(code: ConnectRefusalCode): Error & { data: ConnectRefusal } {
  return Object.assign(new Error(code), { data: { code } });
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
  const matching = deps.matching ?? inMemoryMatching(config.matching, clock);
  const connectionCap = deps.connectionCap ?? localConnectionCap(config.maxConnectionsPerAddress);
  const moderation = deps.moderation ?? memoryModeration(config.moderation, clock);
  const addressLimits = deps.addressLimits ?? memoryAddressLimits(config.addressLimits, clock);
  let shuttingDown = false;
  let matchTimer: NodeJS.Timeout | undefined;

  const addressKeyOf = (request: IncomingMessage): string =>
    clientAddressKey(clientAddressOf(request, config.trustProxyHops));

  // Refused handshakes cost a client nothing to repeat: one line per client and reason a minute.
  const rejectionsLogged = new Map<string, number>();
  const reject = (request: IncomingMessage, reason: RejectionReason): void => {
    const client = pseudonymOf(clientAddressOf(request, config.trustProxyHops));
    const now = clock.now();
    const key = `${client} ${reason}`;
    if ((rejectionsLogged.get(key) ?? Number.NEGATIVE_INFINITY) > now - 60_000) return;
    if (rejectionsLogged.size >= 10_000) {
      for (const [seen, at] of rejectionsLogged)
        if (at <= now - 60_000) rejectionsLogged.delete(seen);
      if (rejectionsLogged.size >= 10_000) rejectionsLogged.clear();
    }
    rejectionsLogged.set(key, now);
    metadataLog.write({ event: 'rejected', client, reason });
  };

  /**
   * How to release each counted handshake once its connection closes. A
   * handshake that never becomes a connection is released after a while.
   */
  const releases = new WeakMap<
    IncomingMessage,
    { release: () => void; tag: string; timer: NodeJS.Timeout }
  >();

  /** Whether a handshake may become a connection: new connections per minute, then the cap. */
  const admitHandshake = async (
    request: IncomingMessage,
  ): Promise<'connection_rate' | 'connection_cap' | { release: () => void; tag: string }> => {
    const addressKey = addressKeyOf(request);
    const [tag] = await moderation.tagsOf(addressKey);
    if (tag === undefined) throw new Error('no address tag');
    // Over the per-minute limit, or in the cool-down after a cut-off.
    if ((await addressLimits.takeConnection(tag)) !== undefined) return 'connection_rate';
    const release = await connectionCap.acquire(addressKey);
    return release === undefined ? 'connection_cap' : { release, tag };
  };

  const io: SignalingServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: config.limits.maxMessageBytes,
    pingInterval: config.limits.pingIntervalMs,
    pingTimeout: config.limits.pingTimeoutMs,
    // A handshake that never joins (a proof of work never sent) holds its slot this long at most.
    connectTimeout: config.limits.connectTimeoutMs,
    ...(deps.adapter === undefined ? {} : { adapter: deps.adapter }),
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
      admitHandshake(request).then(
        (admitted) => {
          if (typeof admitted === 'string') {
            reject(request, admitted);
            const why =
              admitted === 'connection_rate' ? 'too many new connections' : 'too many connections';
            return callback(why, false);
          }
          const timer = setTimeout(() => {
            releases.delete(request);
            admitted.release();
          }, 10_000).unref();
          releases.set(request, { release: admitted.release, tag: admitted.tag, timer });
          callback(null, true);
        },
        () => {
          // Limits that cannot be checked (Redis away) must not lock everyone out.
          callback(null, true);
        },
      );
    },
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
    (rawSocket: { request: IncomingMessage; once(e: 'close', l: () => void): void }) => {
      const counted = releases.get(rawSocket.request);
      if (counted === undefined) return;
      releases.delete(rawSocket.request);
      clearTimeout(counted.timer);
      connectionTags.set(rawSocket as unknown as EngineConnection, counted.tag);
      rawSocket.once('close', counted.release);
    },
  );

  // Each connection's budget, from its first packet on (before it joins).
  const guards = new WeakMap<EngineConnection, FloodGuard>();
  /** The address tag each admitted connection was counted under, for the cool-down of a cut-off. */
  const connectionTags = new WeakMap<EngineConnection, string>();
  const sessions = new WeakMap<EngineConnection, SignalingSocket>();
  const joined = new WeakSet<EngineConnection>();
  const cutConnections = new WeakSet<EngineConnection>();

  /** Closes a connection the server serves no further, with one log line. */
  const cutOff = (connection: EngineConnection, reason: CutOffReason): void => {
    if (cutConnections.has(connection)) return;
    cutConnections.add(connection);
    const session = sessions.get(connection);
    // A session's connection has let go of its request (see releaseRequest): it knows its client.
    const request = connection.request;
    const client =
      session?.data.client ??
      (request === undefined
        ? 'unknown'
        : pseudonymOf(clientAddressOf(request, config.trustProxyHops)));
    metadataLog.write({ event: 'cut_off', client, reason });
    // Reconnecting at once must not buy a fresh budget: the address cools down, longer each time.
    const tag = session?.data.tags[0] ?? connectionTags.get(connection);
    if (tag !== undefined) {
      addressLimits.recordCutOff(tag).catch(logBackendFailure('recordCutOff'));
    }
    // A graceful WebSocket close waits for the client's close frame, which a flooder sends
    // only after all it has queued: stop reading now, and drop the connection soon after.
    const webSocket = webSocketOf(connection);
    webSocket?.pause();
    // A session tells its client why (a server disconnect); a bare connection just closes.
    if (session?.connected === true) session.disconnect(true);
    else connection.close();
    // Engine.IO's close may wait for its buffer to drain, which a client that reads nothing
    // never lets happen: the drop does not wait for it.
    if (webSocket !== undefined) dropSoon(webSocket);
  };

  io.engine.on('connection', (connection: EngineConnection) => {
    const guard = new FloodGuard(config.limits, clock);
    guards.set(connection, guard);
    connection.on('packet', (packet) => {
      if (!guard.packetArrived(packet.type)) cutOff(connection, 'flood');
    });
    // Socket.IO closes some connections itself (a packet in the wrong state): the same bound.
    connection.on('close', () => {
      const webSocket = webSocketOf(connection);
      if (webSocket !== undefined) dropSoon(webSocket);
    });
  });

  // One Socket.IO session per connection, as every Socket.IO client does: a
  // burst of connects on one connection would otherwise open a session each.
  io.use((socket, next) => {
    if (joined.has(socket.conn)) {
      cutOff(socket.conn, 'malformed');
      next(new Error('one session per connection'));
      return;
    }
    joined.add(socket.conn);
    next();
  });

  const scheduleMatching = (): void => {
    clearTimeout(matchTimer);
    if (shuttingDown) return;
    matching.nextDeadline().then((deadline) => {
      if (deadline === undefined || shuttingDown) return;
      clearTimeout(matchTimer);
      matchTimer = setTimeout(
        () => {
          matching.pairWaiting().then(deliver, logBackendFailure('pairWaiting'));
        },
        Math.max(0, deadline - clock.now()),
      );
    }, logBackendFailure('nextDeadline'));
  };

  // One line per outage of the backend, not one per failed call.
  let backendFailing = false;
  const logBackendFailure =
    (operation: string) =>
    (error: unknown): void => {
      if (backendFailing) return;
      backendFailing = true;
      console.error(`signaling: matching ${operation} failed: ${(error as Error).name}`);
    };

  /** Applies a decision to one of this node's sockets: its partner, its client, the log. */
  const applyToLocal = (decision: Decision, self: StrangerId): void => {
    const socket = io.sockets.sockets.get(self);
    if (socket === undefined) return;
    if (decision.kind === 'paired') {
      const initiator = decision.initiator === self;
      const partner = initiator ? decision.responder : decision.initiator;
      const partnerNickname = decision.nicknames[partner];
      socket.data.partner = partner;
      socket.data.pairedAt = clock.now();
      socket.emit('matched', {
        initiator,
        sharedInterests: [...decision.sharedInterests],
        ...(partnerNickname === undefined ? {} : { partnerNickname }),
      });
      metadataLog.write({
        event: 'paired',
        client: socket.data.client,
        waitedMs: decision.waitedMs[self] ?? 0,
        byInterest: decision.sharedInterests.length > 0,
      });
    } else if (decision.kind === 'banned') {
      socket.data.partner = undefined;
      socket.emit('banned', { retryAfterMs: Math.max(0, decision.until - clock.now()) });
    } else {
      // A late decision about an earlier partner must not end this chat.
      if (socket.data.partner !== decision.leaver) return;
      socket.data.partner = undefined;
      socket.emit('partnerLeft', { reason: decision.reason });
      metadataLog.write({
        event: 'chat_ended',
        client: socket.data.client,
        durationMs: decision.pairedForMs,
        reason: decision.reason,
      });
    }
  };

  const strangersOf = (decision: Decision): StrangerId[] =>
    decision.kind === 'paired' ? [decision.initiator, decision.responder] : [decision.stranger];

  /** Delivers decisions to this node's sockets and passes the rest to the other nodes. */
  /**
   * Disconnected strangers the backend could not be told of (Redis away),
   * with the partner they had here: told once it answers again. A removal
   * that timed out may still have happened, so the partner is told from
   * here when the backend no longer knows of them.
   */
  const pendingRemovals = new Map<
    StrangerId,
    { partner: StrangerId | undefined; pairedAt: number }
  >();
  const removeStranger = (
    id: StrangerId,
    partner: StrangerId | undefined,
    pairedAt: number,
  ): void => {
    matching.remove(id).then(
      (decisions) => {
        const wasPending = pendingRemovals.delete(id);
        const told = decisions.some((decision) => strangersOf(decision).includes(partner ?? ''));
        if (wasPending && partner !== undefined && !told) {
          const reason = PartnerLeftReason.Disconnect;
          const pairedForMs = clock.now() - pairedAt;
          deliver([
            ...decisions,
            { kind: 'partnerLeft', stranger: partner, leaver: id, reason, pairedForMs },
          ]);
        } else {
          deliver(decisions);
        }
      },
      (error: unknown) => {
        pendingRemovals.set(id, { partner, pairedAt });
        logBackendFailure('remove')(error);
      },
    );
  };

  const deliver = (decisions: readonly Decision[]): void => {
    if (backendFailing) {
      backendFailing = false;
      for (const [id, { partner, pairedAt }] of pendingRemovals)
        removeStranger(id, partner, pairedAt);
    }
    const elsewhere: Decision[] = [];
    for (const decision of decisions) {
      let remote = false;
      for (const stranger of strangersOf(decision)) {
        if (io.sockets.sockets.has(stranger)) applyToLocal(decision, stranger);
        else remote = true;
      }
      if (remote) elsewhere.push(decision);
    }
    if (elsewhere.length > 0 && deps.adapter !== undefined) {
      io.serverSideEmit('decisions', elsewhere);
    }
    scheduleMatching();
  };

  // Decisions another node made for this node's sockets.
  io.on('decisions', (decisions) => {
    if (!Array.isArray(decisions)) return;
    for (const decision of decisions) {
      for (const stranger of strangersOf(decision)) applyToLocal(decision, stranger);
    }
    scheduleMatching();
  });
  matching.onDecisions(deliver);

  const relayToPartner = (socket: SignalingSocket, signal: Signal): Ack => {
    const partner = socket.data.partner;
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
    // A partner on this node is emitted to directly; one elsewhere through the adapter.
    const local = io.sockets.sockets.get(partner);
    if (local !== undefined) local.emit('signal', relayed);
    else io.to(partner).emit('signal', relayed);
    return { ok: true };
  };

  const outcome = (result: MatchResult, beforeDelivery?: () => void): Ack => {
    if (!result.ok && result.code === 'banned') {
      const retryAfterMs = Math.max(0, result.until - clock.now());
      return { ok: false, code: ErrorCode.Banned, retryAfterMs };
    }
    if (!result.ok) return { ok: false, code: ErrorCode.InvalidState };
    beforeDelivery?.();
    deliver(result.decisions);
    return { ok: true };
  };

  /** Start and Next count against the address; over the limit they wait. */
  const startsOverLimit = async (socket: SignalingSocket): Promise<Ack | undefined> => {
    const [tag] = socket.data.tags;
    if (tag === undefined) return undefined;
    const waitMs = await addressLimits.takeStart(tag);
    return waitMs === undefined
      ? undefined
      : { ok: false, code: ErrorCode.RateLimited, retryAfterMs: waitMs };
  };

  /** Report (with a reason) or block: the chat ends and the two are kept apart; a report counts. */
  const endAndBlock = async (
    socket: SignalingSocket,
    reason: ReportReason | undefined,
  ): Promise<Ack> => {
    if (socket.data.partner === undefined) return { ok: false, code: ErrorCode.NoPartner };
    const result = await matching.block(socket.id, config.moderation.blockMs);
    if (!result.ok) return { ok: false, code: ErrorCode.NoPartner };
    socket.data.partner = undefined;
    deliver(result.decisions);
    const client = socket.data.client;
    if (reason === undefined) {
      metadataLog.write({ event: 'blocked', client });
      return { ok: true };
    }
    metadataLog.write({ event: 'reported', client, reason });
    const bannedUntil = await moderation.recordReport(result.partnerTags, socket.data.tags);
    if (bannedUntil !== undefined) {
      metadataLog.write({ event: 'ban_started', durationMs: config.moderation.banMs });
      // Out of the queue and out of its chats, wherever its connections are.
      deliver(await matching.ban(result.partnerTags, bannedUntil));
    }
    return { ok: true };
  };

  /**
   * Gives the socket's stranger the tags of its address under the current key, registering it
   * first if that failed at connect (Redis away): no stranger enters matching without tags,
   * or blocks and bans would not apply to it. Tags change once per key epoch.
   */
  const refreshTags = async (socket: SignalingSocket): Promise<void> => {
    const tags = await moderation.tagsOf(socket.data.addressKey);
    const known = socket.data.tags;
    if (known.length === tags.length && known.every((tag, i) => tag === tags[i])) return;
    await matching.register(socket.id, tags);
    socket.data.tags = tags;
  };

  const handle = async (socket: SignalingSocket, event: string, args: unknown[]): Promise<Ack> => {
    if (shuttingDown) return { ok: false, code: ErrorCode.ShuttingDown };
    if (event === 'start' || event === 'next') await refreshTags(socket);
    switch (event) {
      case 'start': {
        const parsed = parseStartRequest(args[0]);
        if (!parsed.ok) return parsed;
        const tooManyStarts = await startsOverLimit(socket);
        if (tooManyStarts !== undefined) return tooManyStarts;
        const { interests, nickname, relayOnly } = parsed.value;
        const profile = { interests, nickname };
        let result = await matching.start(socket.id, profile);
        if (!result.ok && result.code === 'unknown_stranger') {
          // The shared state lost this connection (Redis restarted empty): register again.
          await matching.register(socket.id, socket.data.tags);
          result = await matching.start(socket.id, profile);
        }
        return outcome(result, () => (socket.data.relayOnly = relayOnly));
      }
      case 'next':
      case 'stop': {
        if (event === 'next') {
          const tooManyStarts = await startsOverLimit(socket);
          if (tooManyStarts !== undefined) return tooManyStarts;
        }
        const result = await (event === 'next'
          ? matching.next(socket.id)
          : matching.stop(socket.id));
        // The one who leaves is not told by a decision: their pairing ends here.
        return outcome(result, () => (socket.data.partner = undefined));
      }
      case 'signal': {
        const parsed = parseSignal(args[0]);
        return parsed.ok ? relayToPartner(socket, parsed.value) : parsed;
      }
      case 'report': {
        const parsed = parseReport(args[0]);
        if (!parsed.ok) return parsed;
        return endAndBlock(socket, parsed.value.reason);
      }
      case 'block':
        return endAndBlock(socket, undefined);
      default:
        return { ok: false, code: ErrorCode.UnknownEvent };
    }
  };

  const respond = async (socket: SignalingSocket, event: string, args: unknown[]): Promise<Ack> => {
    try {
      return await handle(socket, event, args);
    } catch (error) {
      if (error instanceof MatchingUnavailableError) {
        return { ok: false, code: ErrorCode.MatchingUnavailable };
      }
      // A bug must cost one event, not the service. Log the kind only: never payloads.
      const known = (CLIENT_EVENTS as readonly string[]).includes(event) ? event : 'unknown';
      console.error(`signaling: ${known} handler failed: ${(error as Error).name}`);
      return { ok: false, code: ErrorCode.InvalidPayload };
    }
  };

  io.on('connection', (socket) => {
    // An unhandled socket error might crash the server. Handle it first.
    // Socket.IO reports undecodable packets this way.
    socket.on('error', () => cutOff(socket.conn, 'malformed'));
    sessions.set(socket.conn, socket);

    const address = clientAddressOf(socket.request, config.trustProxyHops);
    socket.data = {
      client: pseudonymOf(address),
      addressKey: clientAddressKey(address),
      connectedAt: clock.now(),
      partner: undefined,
      pairedAt: 0,
      tags: [],
      relayOnly: false,
      protocolErrors: 0,
      guard: guards.get(socket.conn) ?? new FloodGuard(config.limits, clock),
    };
    // Events wait for the registration, so that a start never overtakes it. One that failed
    // (Redis away) is done again by the next start or next (refreshTags).
    const registered = refreshTags(socket).catch((error: unknown) => {
      logBackendFailure('register')(error);
    });
    metadataLog.write({ event: 'connect', client: socket.data.client });

    socket.emit('welcome', {
      protocolVersion: PROTOCOL_VERSION,
      iceServers: deps.iceServersFor(socket.request),
      relayByDefault: config.relayByDefault,
      safeStartByDefault: config.safeStartByDefault,
    });
    // Nothing reads the request after this point: free it for the connection's lifetime.
    releaseRequest(socket.conn);

    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.length > 0 ? args[args.length - 1] : undefined;
      const payload = typeof ack === 'function' ? args.slice(0, -1) : args;
      const allowed = socket.data.guard.admitEvent();
      const answer = (response: Ack): void => {
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
      if (!allowed) answer({ ok: false, code: ErrorCode.RateLimited });
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
      const { partner, pairedAt } = socket.data;
      void registered.then(() => removeStranger(socket.id, partner, pairedAt));
    });
  });

  return {
    io,
    matching,
    async shutdown(retryAfterMs: number): Promise<void> {
      shuttingDown = true;
      clearTimeout(matchTimer);
      // Shared matching: take this node's strangers out while the adapter can still tell
      // their partners on other nodes.
      await matching.close().catch(logBackendFailure('close'));
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
