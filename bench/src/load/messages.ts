/**
 * What the benchmark's parent process and its load-generator children say to
 * each other over IPC. A worker runs one command at a time and answers each
 * with exactly one reply (or `failed`).
 *
 * Connections have a global index across all workers (`firstIndex` onwards):
 * it decides which server URL a connection uses (index modulo the number of
 * URLs), its PeerJS id, and when it presses Start in a paced join.
 */

/** How a client talks to a server: Socket.IO (Mayfly, the bare relay) or PeerJS's raw WebSocket. */
export type Protocol = 'socketio' | 'peerjs';

export interface ConnectCommand {
  readonly type: 'connect';
  readonly protocol: Protocol;
  readonly urls: readonly string[];
  readonly firstIndex: number;
  readonly count: number;
  /** Handshakes in flight at once; more only overflow the server's accept queue. */
  readonly concurrency: number;
  /** PeerJS ids are `<idPrefix><index>`, unique per run so a stale id never collides. */
  readonly idPrefix: string;
}

/**
 * Pairs this worker's connections. Socket.IO: each presses Start and the
 * server decides the pairs and who initiates. PeerJS has no matching: even
 * indices initiate towards the next index, which must be in this worker.
 */
export interface PairCommand {
  readonly type: 'pair';
  readonly timeoutMs: number;
}

/** Every initiator this worker holds bounces a signal off its partner until `seconds` have passed. */
export interface BounceCommand {
  readonly type: 'bounce';
  readonly seconds: number;
  readonly signalBytes: number;
}

/**
 * The connections with global index in [from, from + count) press Start
 * (Socket.IO servers only), and once matched are ready to bounce as after a
 * PairCommand:
 * index k at `startAt + floor((k - from) / 2) * gapMs` (epoch milliseconds),
 * so with a gap two strangers arrive together, and with none all at once.
 */
export interface JoinCommand {
  readonly type: 'join';
  readonly from: number;
  readonly count: number;
  readonly startAt: number;
  readonly gapMs: number;
  readonly timeoutMs: number;
}

export interface DisconnectCommand {
  readonly type: 'disconnect';
}

export type WorkerCommand =
  ConnectCommand | PairCommand | BounceCommand | JoinCommand | DisconnectCommand;

export interface ConnectedReply {
  readonly type: 'connected';
  readonly opened: number;
  readonly failed: number;
  /** The first failure's message, to tell a refused connection from a timeout. */
  readonly firstError?: string;
}

export interface PairedReply {
  readonly type: 'paired';
  readonly pairs: number;
  readonly unmatched: number;
}

export interface BouncedReply {
  readonly type: 'bounced';
  readonly roundTrips: number;
  readonly elapsedMs: number;
  /** Every round trip's duration (initiator to partner and back, through the server twice). */
  readonly roundTripMs: readonly number[];
}

export interface JoinedReply {
  readonly type: 'joined';
  /** Start pressed to `matched` received, for each connection that was matched. */
  readonly latenciesMs: readonly number[];
  /** When the last of them was matched (epoch milliseconds), NaN if none was. */
  readonly lastMatchedAt: number;
  readonly unmatched: number;
  /** `protocolError`s the server answered with (e.g. rate limited). */
  readonly errors: number;
}

export interface DisconnectedReply {
  readonly type: 'disconnected';
  /**
   * Connections that had closed before this command closed them: the server
   * dropped them (a missed ping when this worker was starved of CPU, a limit).
   */
  readonly closedEarly: number;
}

/** Sent once, unasked, when the worker listens for commands. */
export interface ReadyReply {
  readonly type: 'ready';
}

export interface FailedReply {
  readonly type: 'failed';
  readonly error: string;
}

export type WorkerReply =
  | ConnectedReply
  | PairedReply
  | BouncedReply
  | JoinedReply
  | DisconnectedReply
  | ReadyReply
  | FailedReply;

/** The reply each command gets when it succeeds. */
export interface ReplyTo {
  connect: ConnectedReply;
  pair: PairedReply;
  bounce: BouncedReply;
  join: JoinedReply;
  disconnect: DisconnectedReply;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
