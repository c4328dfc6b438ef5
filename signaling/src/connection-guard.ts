/**
 * What one connection may do to the server, from its first packet on (before
 * it joins): its flood budget (flood-guard.ts), one Socket.IO session per
 * connection, and the cut-off of a connection the server serves no further,
 * which costs its address a cool-down.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '@mayfly/protocol';
import type { AddressLimits } from './address-limits.js';
import { clientAddressOf } from './client-address.js';
import { dropSoon, type EngineConnection, webSocketOf } from './engine-connection.js';
import { FloodGuard } from './flood-guard.js';
import type { CutOffReason, MetadataSink } from './metadata.js';
import type { LimitsConfig } from './signaling-config.js';
import type { SignalingSocket } from './signaling-socket.js';

export interface ConnectionGuardDeps {
  readonly limits: LimitsConfig;
  readonly trustProxyHops: number;
  readonly clock: Clock;
  readonly metadataLog: MetadataSink;
  readonly pseudonymOf: (address: string) => string;
  readonly addressLimits: AddressLimits;
  /** The address tags the connection was admitted under (HandshakeAdmission.tagsOf). */
  readonly admittedTagsOf: (connection: EngineConnection) => readonly string[] | undefined;
  /** Reports a failed call to shared state (Redis away), once per outage. */
  readonly onSharedStateFailure: (operation: string) => (error: unknown) => void;
}

export class ConnectionGuard {
  readonly #deps: ConnectionGuardDeps;
  readonly #budgets = new WeakMap<EngineConnection, FloodGuard>();
  readonly #sessions = new WeakMap<EngineConnection, SignalingSocket>();
  readonly #joined = new WeakSet<EngineConnection>();
  readonly #cut = new WeakSet<EngineConnection>();

  constructor(deps: ConnectionGuardDeps) {
    this.#deps = deps;
  }

  /** Engine.IO opened a connection: every inbound packet counts against its budget from now on. */
  watch(connection: EngineConnection): void {
    const budget = new FloodGuard(this.#deps.limits, this.#deps.clock);
    this.#budgets.set(connection, budget);
    connection.on('packet', (packet) => {
      if (!budget.packetArrived(packet.type)) this.cutOff(connection, 'flood');
    });
    // Socket.IO closes some connections itself (a packet in the wrong state): the same bound.
    connection.on('close', () => {
      const webSocket = webSocketOf(connection);
      if (webSocket !== undefined) dropSoon(webSocket);
    });
  }

  /** The connection's flood budget, which also rate-limits its events. */
  budgetOf(connection: EngineConnection): FloodGuard {
    return this.#budgets.get(connection) ?? new FloodGuard(this.#deps.limits, this.#deps.clock);
  }

  /**
   * Socket.IO middleware: one session per connection, as every Socket.IO client does. A burst
   * of connects on one connection would otherwise open a session each.
   */
  readonly oneSessionPerConnection = (
    socket: SignalingSocket,
    next: (error?: Error) => void,
  ): void => {
    if (this.#joined.has(socket.conn)) {
      this.cutOff(socket.conn, 'malformed');
      next(new Error('one session per connection'));
      return;
    }
    this.#joined.add(socket.conn);
    next();
  };

  /** The connection now carries this session (which knows its client). */
  sessionJoined(socket: SignalingSocket): void {
    this.#sessions.set(socket.conn, socket);
  }

  /** Closes a connection the server serves no further, with one log line and a cool-down. */
  cutOff(connection: EngineConnection, reason: CutOffReason): void {
    if (this.#cut.has(connection)) return;
    this.#cut.add(connection);
    const { metadataLog, addressLimits } = this.#deps;
    const session = this.#sessions.get(connection);
    metadataLog.write({ event: 'cut_off', client: this.#clientOf(connection, session), reason });
    // Reconnecting at once must not buy a fresh budget: the address cools down, longer each time.
    // A session's tags are empty until its registration is done (a moment on Redis), which is
    // when a flooder floods: the tags it was admitted under stand in.
    const sessionTags = session?.data.tags ?? [];
    const tags =
      sessionTags.length > 0 ? sessionTags : (this.#deps.admittedTagsOf(connection) ?? []);
    if (tags.length > 0) {
      addressLimits.recordCutOff(tags).catch(this.#deps.onSharedStateFailure('recordCutOff'));
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
  }

  #clientOf(connection: EngineConnection, session: SignalingSocket | undefined): string {
    if (session !== undefined) return session.data.client;
    // A session's connection has let go of its request (see releaseRequest): it knows its client.
    const request: IncomingMessage | undefined = connection.request;
    if (request === undefined) return 'unknown';
    return this.#deps.pseudonymOf(clientAddressOf(request, this.#deps.trustProxyHops));
  }
}
