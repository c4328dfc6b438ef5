/**
 * The only module that talks to the signaling server. It owns the Socket.IO connection to this
 * page's own origin, reconnects by itself, and turns the protocol's events into typed callbacks.
 */
import {
  CONNECT_REFUSAL_CODES,
  PROTOCOL_VERSION,
  type Ack,
  type ClientToServerEvents,
  type ConnectRefusalCode,
  type HandshakeAuth,
  type ServerToClientEvents,
  type ReportReason,
  type ResumeAck,
  type Signal,
  type StartRequest,
} from '@mayfly/protocol';
import { io, type Socket } from 'socket.io-client';
import { systemClock } from '../clock';
import { browserCheck, ChallengeUnavailableError, type PowProof } from '../pow/browser-check';
import { TypedEmitter } from '../typed-emitter';

/**
 * `checking`: the server asks for proof of work and the browser is solving it.
 * `check-failed`: this browser cannot pass that check; no more attempts until a reload.
 */
export type ServerStatus = 'connecting' | 'checking' | 'online' | 'offline' | 'check-failed';

/** An acknowledgement, or `unreachable` when the request could not be sent or got no answer. */
export type RequestResult = Ack | { ok: false; code: 'unreachable' };

/**
 * The protocol's server events that reach the session (`welcome` after every (re)connection),
 * plus our connection state. `protocolError` and `shutdown` are handled here and go no further.
 */
export type SignalingEvents = Pick<
  ServerToClientEvents,
  | 'welcome'
  | 'matched'
  | 'signal'
  | 'partnerLeft'
  | 'banned'
  | 'partnerAway'
  | 'partnerReturned'
  | 'searchEnded'
> & {
  /** Connection state changes; `offline` means a retry is scheduled. */
  status: (status: ServerStatus) => void;
};

/** What the session controller needs from signaling; tests provide a fake. */
export interface SignalingPort {
  readonly status: ServerStatus;
  on<E extends keyof SignalingEvents>(event: E, listener: SignalingEvents[E]): () => void;
  start(request: StartRequest): Promise<RequestResult>;
  next(): Promise<RequestResult>;
  stop(): Promise<RequestResult>;
  /** Reports the current stranger: the server ends the chat and blocks them. */
  report(reason: ReportReason): Promise<RequestResult>;
  /** Ends the chat and blocks the current stranger. */
  block(): Promise<RequestResult>;
  signal(signal: Signal): void;
  /** Takes a chat back after this connection dropped (see the protocol's `resume`). */
  resume(resumeToken: string): Promise<ResumeResult>;
  /**
   * The network is back: when not connected, try the server now rather than when the back-off
   * between attempts says (up to 30 s after a long outage).
   */
  reconnectNow(): void;
}

/** `resume`'s answer, or `unreachable`. */
export type ResumeResult = ResumeAck | { ok: false; code: 'unreachable' };

export interface SignalingClientOptions {
  /** The server; this page's own origin by default. */
  url?: string;
  /** Solves a proof-of-work challenge when the server asks; our Web Worker by default. */
  passCheck?: () => Promise<PowProof>;
  /** The back-off between attempts to reach the server. @default 1 s doubling up to 30 s */
  retry?: { readonly minMs: number; readonly maxMs: number };
}

/** Refusals in a row after which the check counts as failed (each one was solved afresh). */
const CHECK_ATTEMPTS_MAX = 3;
const ACK_TIMEOUT_MS = 10_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

type MayflySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class SignalingClient implements SignalingPort {
  readonly #socket: MayflySocket;
  readonly #events = new TypedEmitter<SignalingEvents>();
  #status: ServerStatus = 'connecting';
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #closed = false;
  readonly #passCheck: () => Promise<PowProof>;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  /** The proof for the next attempt; each is good for one connection. */
  #proof: PowProof | undefined;
  #checking = false;
  #refusals = 0;

  constructor(options: SignalingClientOptions = {}) {
    this.#passCheck = options.passCheck ?? browserCheck(systemClock);
    this.#retryMinMs = options.retry?.minMs ?? RETRY_MIN_MS;
    this.#retryMaxMs = options.retry?.maxMs ?? RETRY_MAX_MS;
    // Same origin, default path /socket.io/. WebSocket first; long polling if a proxy blocks it.
    const socketOptions = {
      autoConnect: false,
      // Asked again before every attempt, reconnections included.
      auth: (send: (auth: HandshakeAuth) => void) => {
        const proof = this.#proof;
        this.#proof = undefined;
        send(proof === undefined ? {} : { pow: proof });
      },
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: this.#retryMinMs,
      reconnectionDelayMax: this.#retryMaxMs,
      randomizationFactor: 0.5,
      timeout: 10_000,
    };
    this.#socket = options.url === undefined ? io(socketOptions) : io(options.url, socketOptions);
    const socket = this.#socket;
    socket.on('welcome', (welcome) => {
      if (welcome.protocolVersion !== PROTOCOL_VERSION) {
        console.error(`mayfly: server speaks protocol ${String(welcome.protocolVersion)}`);
      }
      this.#failures = 0;
      this.#refusals = 0;
      this.#setStatus('online');
      this.#events.emit('welcome', welcome);
    });
    socket.on('matched', (matched) => this.#events.emit('matched', matched));
    socket.on('signal', (signal) => this.#events.emit('signal', signal));
    socket.on('partnerLeft', (left) => this.#events.emit('partnerLeft', left));
    socket.on('banned', (banned) => this.#events.emit('banned', banned));
    socket.on('partnerAway', (away) => this.#events.emit('partnerAway', away));
    socket.on('partnerReturned', (back) => this.#events.emit('partnerReturned', back));
    socket.on('searchEnded', (ended) => this.#events.emit('searchEnded', ended));
    socket.on('protocolError', (error) => {
      console.warn('mayfly: protocol error from server', error.code, error.event);
    });
    socket.on('shutdown', ({ retryAfterMs }) => {
      // The server is restarting and will disconnect us; come back once it is up again.
      this.#scheduleReconnect(Math.min(Math.max(retryAfterMs, 0), this.#retryMaxMs));
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const refusal = refusalCode(error.data);
      if (refusal !== undefined) {
        void this.#answerRefusal(refusal);
        return;
      }
      this.#failures++;
      this.#setStatus('offline');
      // An explicit refusal (e.g. the server is shutting down) stops Socket.IO's own retries.
      if (!socket.active) this.#scheduleReconnect(this.#backoff());
    });
    socket.on('disconnect', (reason) => {
      if (this.#closed) return;
      this.#setStatus('offline');
      // After a server-side disconnect Socket.IO does not retry by itself.
      if (reason === 'io server disconnect') this.#scheduleReconnect(this.#backoff());
    });
  }

  get status(): ServerStatus {
    return this.#status;
  }

  connect(): void {
    this.#closed = false;
    this.#socket.connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#socket.disconnect();
    this.#events.removeAllListeners();
  }

  on<E extends keyof SignalingEvents>(event: E, listener: SignalingEvents[E]): () => void {
    return this.#events.on(event, listener);
  }

  start(request: StartRequest): Promise<RequestResult> {
    return this.#request((ack) => this.#socket.emit('start', request, ack));
  }

  next(): Promise<RequestResult> {
    return this.#request((ack) => this.#socket.emit('next', ack));
  }

  stop(): Promise<RequestResult> {
    return this.#request((ack) => this.#socket.emit('stop', ack));
  }

  report(reason: ReportReason): Promise<RequestResult> {
    return this.#request((ack) => this.#socket.emit('report', { reason }, ack));
  }

  block(): Promise<RequestResult> {
    return this.#request((ack) => this.#socket.emit('block', ack));
  }

  signal(signal: Signal): void {
    if (this.#socket.connected) this.#socket.emit('signal', signal);
  }

  resume(resumeToken: string): Promise<ResumeResult> {
    return this.#request<ResumeAck>((ack) => this.#socket.emit('resume', { resumeToken }, ack));
  }

  reconnectNow(): void {
    if (this.#closed || this.#checking || this.#socket.connected) return;
    clearTimeout(this.#retryTimer);
    this.#failures = 0;
    // Socket.IO ignores connect() while it waits out its back-off: closing the manager ends the
    // wait (and resets the back-off), and connect() then tries at once.
    this.#socket.disconnect();
    this.#socket.connect();
  }

  /** Sends an event with an acknowledgement; a lost connection or silence counts as a failure. */
  #request<A extends Ack | ResumeAck = Ack>(
    send: (ack: (response: A) => void) => void,
  ): Promise<A | { ok: false; code: 'unreachable' }> {
    if (!this.#socket.connected) return Promise.resolve({ ok: false, code: 'unreachable' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        resolve({ ok: false, code: 'unreachable' });
      }, ACK_TIMEOUT_MS);
      send((response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  }

  /** The server wants proof of work (again): solve a fresh challenge, then connect with it. */
  async #answerRefusal(code: ConnectRefusalCode): Promise<void> {
    if (this.#checking || this.#closed) return;
    if (++this.#refusals > CHECK_ATTEMPTS_MAX) {
      console.warn('mayfly: the server kept refusing the browser check:', code);
      this.#setStatus('check-failed');
      return;
    }
    this.#checking = true;
    this.#setStatus('checking');
    try {
      this.#proof = await this.#passCheck();
    } catch (error) {
      if (error instanceof ChallengeUnavailableError) {
        // The server is away, not the check failed: try again like any lost connection.
        this.#refusals--;
        this.#failures++;
        this.#setStatus('offline');
        this.#scheduleReconnect(this.#backoff());
      } else {
        console.warn('mayfly: the browser check could not run:', (error as Error).message);
        this.#setStatus('check-failed');
      }
      return;
    } finally {
      this.#checking = false;
    }
    if (!this.#closed) this.#socket.connect();
  }

  #backoff(): number {
    const base = Math.min(this.#retryMaxMs, this.#retryMinMs * 2 ** Math.min(this.#failures, 5));
    return base / 2 + Math.random() * (base / 2);
  }

  #scheduleReconnect(delayMs: number): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => {
      if (!this.#closed && !this.#socket.connected) this.#socket.connect();
    }, delayMs);
  }

  #setStatus(status: ServerStatus): void {
    // Only a reload gets past a failed check; a late socket event must not hide that.
    if (this.#status === 'check-failed') return;
    if (this.#status === status) return;
    this.#status = status;
    this.#events.emit('status', status);
  }
}

/** The server's own refusal code in `connect_error`'s data, if that is what it is. */
function refusalCode(data: unknown): ConnectRefusalCode | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const code = (data as { code?: unknown }).code;
  return (CONNECT_REFUSAL_CODES as readonly unknown[]).includes(code)
    ? (code as ConnectRefusalCode)
    : undefined;
}
