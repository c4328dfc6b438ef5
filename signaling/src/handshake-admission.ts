/**
 * Who may open a connection, decided on the HTTP handshake before Engine.IO
 * counts it: the page's origin, the address's new connections per minute
 * (and its cool-down after a cut-off), and its live connections. An
 * admitted handshake holds a slot of its address until its connection
 * closes; one that never becomes a connection gives it back after a while.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock, ConnectRefusal, ConnectRefusalCode } from '@mayfly/protocol';
import type { AddressLimits } from './address-limits.js';
import { clientAddressKey, clientAddressOf } from './client-address.js';
import type { ConnectionCap } from './connection-cap.js';
import type { EngineConnection } from './engine-connection.js';
import type { MetadataSink, RejectionReason, SignalingObservation } from './metadata.js';
import type { Moderation } from './moderation.js';
import type { SignalingConfig } from './signaling-config.js';

/** How long an admitted handshake holds its slot if it never becomes a connection. */
const UNUSED_SLOT_MS = 10_000;
/** Refused handshakes cost a client nothing to repeat: one log line per client and reason this often. */
const REJECTION_LOG_INTERVAL_MS = 60_000;
const REJECTION_LOG_MAX_KEYS = 10_000;

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

/** A refusal as Socket.IO hands it to the client: `connect_error` with `data`. */
export function refusal(code: ConnectRefusalCode): Error & { data: ConnectRefusal } {
  return Object.assign(new Error(code), { data: { code } });
}

export interface HandshakeAdmissionDeps {
  readonly config: Pick<SignalingConfig, 'allowedOrigins' | 'trustProxyHops'>;
  readonly clock: Clock;
  readonly metadataLog: MetadataSink;
  readonly pseudonymOf: (address: string) => string;
  readonly moderation: Moderation;
  readonly addressLimits: AddressLimits;
  readonly connectionCap: ConnectionCap;
  readonly isShuttingDown: () => boolean;
  /** Counts every refusal (metrics), also those the log leaves out. */
  readonly observe?: (observation: SignalingObservation) => void;
}

interface Slot {
  readonly release: () => void;
  /** The address's tags the connection was counted under (current epoch first). */
  readonly tags: readonly string[];
  readonly timer: NodeJS.Timeout;
}

type Verdict = RejectionReason | { release: () => void; tags: readonly string[] };

export class HandshakeAdmission {
  readonly #deps: HandshakeAdmissionDeps;
  readonly #slots = new WeakMap<IncomingMessage, Slot>();
  readonly #tags = new WeakMap<EngineConnection, readonly string[]>();
  readonly #rejectionsLogged = new Map<string, number>();

  constructor(deps: HandshakeAdmissionDeps) {
    this.#deps = deps;
  }

  /** Socket.IO's `allowRequest`: the WebSocket handshake ignores CORS, this is what keeps other sites out. */
  readonly allowRequest = (
    request: IncomingMessage,
    callback: (error: string | null | undefined, success: boolean) => void,
  ): void => {
    const early = this.#earlyRefusal(request);
    if (early !== undefined) {
      this.#reject(request, early);
      callback(early === 'origin' ? 'origin not allowed' : 'shutting down', false);
      return;
    }
    this.#admit(request).then(
      (verdict) => {
        if (typeof verdict === 'string') {
          this.#reject(request, verdict);
          const why =
            verdict === 'connection_rate' ? 'too many new connections' : 'too many connections';
          callback(why, false);
          return;
        }
        const timer = setTimeout(() => {
          this.#slots.delete(request);
          verdict.release();
        }, UNUSED_SLOT_MS).unref();
        this.#slots.set(request, { ...verdict, timer });
        callback(null, true);
      },
      () => {
        // Limits that cannot be checked (Redis away) must not lock everyone out.
        callback(null, true);
      },
    );
  };

  /** Engine.IO opened the connection of an admitted handshake: its slot lives as long as it. */
  connectionOpened(
    connection: EngineConnection & { once(event: 'close', l: () => void): void },
  ): void {
    const request = connection.request;
    const slot = request === undefined ? undefined : this.#slots.get(request);
    if (request === undefined || slot === undefined) return;
    this.#slots.delete(request);
    clearTimeout(slot.timer);
    this.#tags.set(connection, slot.tags);
    connection.once('close', slot.release);
  }

  /** The address tags a connection was admitted under; undefined when they could not be made. */
  tagsOf(connection: EngineConnection): readonly string[] | undefined {
    return this.#tags.get(connection);
  }

  #earlyRefusal(request: IncomingMessage): RejectionReason | undefined {
    if (this.#deps.isShuttingDown()) return 'shutting_down';
    if (!isOriginAllowed(request, this.#deps.config.allowedOrigins)) return 'origin';
    return undefined;
  }

  /** New connections per minute (and the cool-down after a cut-off), then the live cap. */
  async #admit(request: IncomingMessage): Promise<Verdict> {
    const { moderation, addressLimits, connectionCap, config } = this.#deps;
    const addressKey = clientAddressKey(clientAddressOf(request, config.trustProxyHops));
    const tags = await moderation.tagsOf(addressKey);
    if (tags.length === 0) throw new Error('no address tag');
    if ((await addressLimits.takeConnection(tags)) !== undefined) return 'connection_rate';
    const release = await connectionCap.acquire(addressKey);
    return release === undefined ? 'connection_cap' : { release, tags };
  }

  #reject(request: IncomingMessage, reason: RejectionReason): void {
    const { clock, metadataLog, pseudonymOf, config } = this.#deps;
    this.#deps.observe?.({ event: 'rejected', reason });
    const client = pseudonymOf(clientAddressOf(request, config.trustProxyHops));
    const now = clock.now();
    const logged = this.#rejectionsLogged;
    const key = `${client} ${reason}`;
    if ((logged.get(key) ?? Number.NEGATIVE_INFINITY) > now - REJECTION_LOG_INTERVAL_MS) return;
    if (logged.size >= REJECTION_LOG_MAX_KEYS) {
      for (const [seen, at] of logged)
        if (at <= now - REJECTION_LOG_INTERVAL_MS) logged.delete(seen);
      if (logged.size >= REJECTION_LOG_MAX_KEYS) logged.clear();
    }
    logged.set(key, now);
    metadataLog.write({ event: 'rejected', client, reason });
  }
}
