/**
 * The connection to one stranger, from the match to its end, and everything that lives as long:
 * the peer (created asynchronously, as the WebRTC code may still be loading), the stranger's
 * signals that arrive before it exists, the connect timeout, the media route checks, and the
 * data channel both ways (our messages sent, our pictures paced out in chunks; the stranger's
 * messages, pictures and `bye` heard), through the ChatCodec that comes with the peer.
 *
 *   connecting ─data channel open─▶ open ─▶ ended (left: bye, the channel closed or broke)
 *        └───── failed: error, 30 s timeout ─────▶ ended                  dispose(): ended
 *                                         open ⇄ interrupted ─window over─▶ ended (left)
 *
 * A break is noticed by the connection itself, within seconds: both sides send a heartbeat
 * on the data channel every HEARTBEAT_MS, and silence longer than SILENCE_MS, or ICE going
 * down, is an interruption (`interrupted`). ICE is restarted when it fails, when it stays
 * disconnected past ICE_DOWN_GRACE_MS, and when asked (`restart()`: the browser came back
 * online, the signaling was resumed). Frames flowing again over a connected ICE end it
 * (`restored`); an interruption longer than the window ends the chat (`left`).
 *
 * A restart offer can be lost: made while our connection to the server was down, or carried by
 * a connection (ours or the stranger's) that dropped before the answer came back. Its answer
 * then never comes, and the peer would queue every later offer behind it. When the signaling
 * comes back (`restart(…, { signalingBack: true })`) an offer still unanswered is such an offer:
 * the next restart takes it back and replaces it.
 *
 * Ending stops all of it at once: timers are cleared, a picture on its way is cancelled, the
 * peer is destroyed and no event follows. Whoever holds a connection therefore never has to ask
 * whether a late result still belongs to the current stranger: a new stranger is a new object.
 */
import type { IceServer, Signal } from '@mayfly/protocol';
import type { Clock } from '../clock';
import type { PeerConnection, PeerError, PeerOptions, RouteType } from '../peer/peer-connection';
import { TypedEmitter } from '../typed-emitter';
import type { ChatCodec } from './chat-codec';
import type { ImageType } from './data-protocol';
import type { AssemblyEvent } from './image-transfer';

/** The peer connection surface a chat uses (PeerConnection implements it). */
export type PeerLike = Pick<
  PeerConnection,
  | 'on'
  | 'signal'
  | 'send'
  | 'destroy'
  | 'replaceTrack'
  | 'bufferedAmount'
  | 'routeType'
  | 'restartIce'
>;

/** A chat's peer connection and the codec of its data channel, loaded together. */
export interface ChatPeer {
  peer: PeerLike;
  codec: ChatCodec;
}

export interface ChatConnectionDeps {
  createPeer(options: PeerOptions): Promise<ChatPeer>;
  /** How long an interruption may last before the chat is over. @default RECONNECT_WINDOW_MS */
  reconnectWindowMs?: number;
  clock: Clock;
  /** Ids for image transfers. */
  randomId(): string;
}

export type ChatFailure = PeerError['kind'] | 'timeout';

export interface ChatConnectionEvents {
  /** A signal of ours, for the server to relay to the stranger. */
  signal: (signal: Signal) => void;
  /**
   * One of our WebRTC steps is under way (`true`: the stranger's offer is being answered) or
   * done (`false`: our offer or answer has left, and our first candidate after it). A new
   * connection starts busy: the peer is being created, then our offer (or answer) made.
   */
  busy: (busy: boolean) => void;
  /** The data channel is open. */
  connected: () => void;
  stream: (stream: MediaStream) => void;
  safetyCode: (code: string) => void;
  /** Whether media is relayed, when first known and whenever it changes. */
  route: (route: RouteType) => void;
  /** A text message from the stranger, validated. */
  text: (text: string) => void;
  /** The stranger is typing: heard at most once per TYPING_HEARD_MS. */
  typing: () => void;
  /** A picture from the stranger on its way in: started, progress, complete or rejected. */
  image: (event: AssemblyEvent) => void;
  /** Something the stranger's browser sent could not be read and was dropped. */
  refused: (reason: string) => void;
  /** The connection broke (silence, or ICE down): it may come back within the window. */
  interrupted: () => void;
  /** It came back: frames flow again. */
  restored: () => void;
  /** The stranger left after the channel opened (their `bye`, or the connection ended). */
  left: () => void;
  /** The connection never opened. */
  failed: (reason: ChatFailure) => void;
}

export interface OutgoingImage {
  bytes: Uint8Array<ArrayBuffer>;
  mime: ImageType;
}

export interface ImageSendHooks {
  /** The picture fits and its first chunk is about to leave. */
  started(image: OutgoingImage): void;
  /** The share of its messages that has left, after each one. */
  progress(fraction: number): void;
}

/**
 * `cancelled`: the connection ended before the picture was out (nothing more to tell);
 * `failed`: the data channel refused a chunk.
 */
export type ImageSendResult = 'sent' | 'unreadable' | 'too-large' | 'failed' | 'cancelled';

/** How long a stranger has to answer before we call the connection failed. */
export const CONNECT_TIMEOUT_MS = 30_000;
/**
 * When to read the media route, in ms after the connection opens or ICE reconnects. ICE may
 * still move to a better candidate pair in the first seconds; after that the route is settled.
 * Not at once: in Chrome a stats read builds every report on the main thread (about 40 ms at 4x
 * CPU), and the stranger's first picture is due just after the connection opens.
 */
export const ROUTE_CHECKS_MS: readonly number[] = [500, 2_000, 6_000, 15_000];
/** How often each side says "still here" on the data channel. */
export const HEARTBEAT_MS = 750;
/** Silence from the stranger longer than this is an interruption (about three heartbeats). */
export const SILENCE_MS = 2_500;
/** ICE `disconnected` often heals by itself within a few seconds; past this, restart it. */
export const ICE_DOWN_GRACE_MS = 2_000;
/** Restarts no closer together than this, whatever asks for them. */
export const RESTART_INTERVAL_MS = 3_000;
/** How long an interruption may last by default (the server's resume grace is 20 s). */
export const RECONNECT_WINDOW_MS = 25_000;
/** Signals kept while simple-peer loads; a real negotiation sends a few dozen. */
export const PENDING_SIGNALS_MAX = 200;
/** While the person types, "typing" leaves no more often than this. */
export const TYPING_SEND_MS = 2_000;
/** A stranger's "typing" closer than this to the last one heard is not told again. */
export const TYPING_HEARD_MS = 1_000;
/** Pause sending image chunks while this much is queued on the data channel. */
const SEND_BUFFER_HIGH_WATER = 256 * 1024;
const SEND_PAUSE_MS = 25;

export class ChatConnection {
  readonly #deps: ChatConnectionDeps;
  readonly #initiator: boolean;
  readonly #events = new TypedEmitter<ChatConnectionEvents>();
  #state: 'connecting' | 'open' | 'interrupted' | 'ended' = 'connecting';
  #iceServers: readonly IceServer[];
  #iceDown = false;
  #heardAt = 0;
  #typingSentAt = Number.NEGATIVE_INFINITY;
  #typingHeardAt = Number.NEGATIVE_INFINITY;
  #restartedAt = Number.NEGATIVE_INFINITY;
  /** Our latest offer (initiator): answered, unanswered, or lost with a dropped connection. */
  #offer: 'answered' | 'unanswered' | 'lost' = 'answered';
  /** A restart that had to wait for the restart interval: a lost offer, a failed connection. */
  #deferredRestartTimer: unknown;
  #heartbeatTimer: unknown;
  #iceDownTimer: unknown;
  #giveUpTimer: unknown;
  #peer: PeerLike | undefined;
  #codec: ChatCodec | undefined;
  #pendingSignals: Signal[] = [];
  #route: RouteType | undefined;
  readonly #connectTimer: unknown;
  #routeTimers: unknown[] = [];
  /** A picture being sent waits on this timer while the channel's buffer drains. */
  #pauseTimer: unknown;
  #stopWaiting = (): void => {};
  /** Settles (with nothing) when the connection ends: whatever waits on it gives up. */
  readonly #ending = new Promise<undefined>((resolve) => {
    this.#stopWaiting = () => resolve(undefined);
  });

  /** Starts creating the peer at once; events follow once the constructor has returned. */
  constructor(options: PeerOptions, deps: ChatConnectionDeps) {
    this.#deps = deps;
    this.#initiator = options.initiator;
    this.#iceServers = options.iceServers;
    this.#connectTimer = deps.clock.setTimeout(() => {
      if (this.#state === 'connecting') this.#lost('timeout');
    }, CONNECT_TIMEOUT_MS);
    void this.#createPeer(options);
  }

  on<E extends keyof ChatConnectionEvents>(
    event: E,
    listener: ChatConnectionEvents[E],
  ): () => void {
    return this.#events.on(event, listener);
  }

  /** A signal from the stranger; kept until the peer exists. */
  signal(signal: Signal): void {
    if (this.#state === 'ended') return;
    if (signal.type === 'renegotiate' && this.#initiator && !this.#restartAllowed()) {
      // The stranger asks us for an ICE restart while one of ours is under way. It answers the
      // request already: a second restart would cut it short, and Firefox then fails the new
      // DTLS handshake for good (seen in the network lab: the call was lost).
      return;
    }
    if (this.#peer === undefined) {
      if (this.#pendingSignals.length < PENDING_SIGNALS_MAX) this.#pendingSignals.push(signal);
      return;
    }
    // What the stranger's offer starts (their tracks, our answer) is one step of ours.
    if (signal.type === 'offer') this.#events.emit('busy', true);
    if (signal.type === 'answer') this.#offer = 'answered';
    this.#peer.signal(signal);
  }

  /** Sends a text message; false when it is blank, too long, or the channel is not open. */
  sendText(text: string): boolean {
    const frame = this.#codec?.text(text);
    const sent = frame !== undefined && this.#send(frame);
    // The next message's first keystroke is news again.
    if (sent) this.#typingSentAt = Number.NEGATIVE_INFINITY;
    return sent;
  }

  /** Tells the stranger we are typing; at most once per TYPING_SEND_MS, however often called. */
  typing(): void {
    const now = this.#deps.clock.now();
    if (now - this.#typingSentAt < TYPING_SEND_MS || this.#codec === undefined) return;
    if (this.#send(this.#codec.typing())) this.#typingSentAt = now;
  }

  /**
   * Sends a picture once `picture` (re-encoded elsewhere) is ready, in chunks paced on the data
   * channel's buffer. Settles `cancelled` as soon as the connection ends, if it ends first.
   */
  async sendImage(
    picture: Promise<OutgoingImage>,
    hooks: ImageSendHooks,
  ): Promise<ImageSendResult> {
    let image: OutgoingImage | undefined;
    try {
      image = await this.#unlessEnded(picture);
    } catch {
      return this.#ended() ? 'cancelled' : 'unreadable';
    }
    if (image === undefined || this.#ended()) return 'cancelled';
    const frames = this.#codec?.image(this.#deps.randomId(), image.bytes, image.mime);
    if (frames === undefined) return this.#codec === undefined ? 'failed' : 'too-large';
    hooks.started(image);
    for (const [index, frame] of frames.entries()) {
      while ((this.#peer?.bufferedAmount ?? 0) > SEND_BUFFER_HIGH_WATER) {
        await this.#unlessEnded(this.#pause(SEND_PAUSE_MS));
        if (this.#ended()) return 'cancelled';
      }
      if (!this.#send(frame)) return this.#ended() ? 'cancelled' : 'failed';
      hooks.progress((index + 1) / frames.length);
    }
    return 'sent';
  }

  /**
   * Restarts ICE now (the browser came back online, the signaling came back), with fresh ICE
   * servers when given; at most once per RESTART_INTERVAL_MS. Only while a break is suspected
   * or ICE is down: a healthy connection is left alone. `signalingBack`: our connection to the
   * server, or the stranger's, dropped and is back; an offer of ours still unanswered was lost
   * with it, and is replaced even on a healthy line (see the top of this file).
   */
  restart(iceServers?: readonly IceServer[], { signalingBack = false } = {}): void {
    if (iceServers !== undefined && iceServers.length > 0) this.#iceServers = iceServers;
    if (signalingBack && this.#offer === 'unanswered') this.#offer = 'lost';
    const live = this.#state === 'open' || this.#state === 'interrupted';
    const broken = this.#state === 'interrupted' || (this.#state === 'open' && this.#iceDown);
    if (broken || (live && this.#offer === 'lost')) this.#restartIce();
  }

  /** Whether the connection is interrupted right now. */
  get interrupted(): boolean {
    return this.#state === 'interrupted';
  }

  /** A new camera or microphone mid-chat: the stranger gets it without renegotiation. */
  replaceTrack(old: MediaStreamTrack, fresh: MediaStreamTrack, stream: MediaStream): void {
    this.#peer?.replaceTrack(old, fresh, stream);
  }

  /**
   * We leave: say `bye` while the channel is open (so the stranger learns at once even when the
   * server cannot tell them, and the closing connection's own signal is lost), then end.
   */
  dispose(): void {
    this.#end();
    this.#events.removeAllListeners();
  }

  async #createPeer(options: PeerOptions): Promise<void> {
    let peer: PeerLike, codec: ChatCodec;
    try {
      ({ peer, codec } = await this.#deps.createPeer(options));
    } catch (error) {
      console.error('mayfly: could not create the peer connection', error);
      this.#lost('unsupported');
      return;
    }
    if (this.#state === 'ended') {
      peer.destroy();
      return;
    }
    this.#peer = peer;
    this.#codec = codec;
    // Our step ends with our first candidate after our description, not with the description:
    // the candidates leave before the page renders (the stranger's checks need them), and
    // gathering them takes a few ms (a relay candidate longer: the view's hold has a bound).
    let describedAt: 'offer' | 'answer' | undefined;
    peer.on('signal', (signal) => {
      if (signal.type === 'offer') this.#offer = 'unanswered';
      this.#events.emit('signal', signal);
      if (signal.type === 'offer' || signal.type === 'answer') describedAt = signal.type;
      else if (signal.type === 'candidate' && describedAt !== undefined) {
        describedAt = undefined;
        this.#events.emit('busy', false);
      }
    });
    peer.on('connected', () => {
      this.#deps.clock.clearTimeout(this.#connectTimer);
      this.#state = 'open';
      this.#heardAt = this.#deps.clock.now();
      this.#watchRoute();
      this.#heartbeat();
      this.#events.emit('connected');
    });
    peer.on('iceReconnected', () => {
      this.#iceDown = false;
      this.#deps.clock.clearTimeout(this.#iceDownTimer);
      this.#watchRoute();
    });
    peer.on('iceInterrupted', (state) => this.#iceInterrupted(state));
    peer.on('stream', (stream) => this.#events.emit('stream', stream));
    peer.on('safetyCode', (code) => this.#events.emit('safetyCode', code));
    peer.on('data', (bytes) => this.#receive(bytes));
    peer.on('error', (error) => {
      console.warn('mayfly: peer connection error', error.code);
      this.#lost(error.kind);
    });
    peer.on('closed', () => this.#lost('connection-failed'));
    const pending = this.#pendingSignals;
    this.#pendingSignals = [];
    // The answerer stays busy until its answer has left: the stranger's offer is on its way.
    for (const signal of pending) this.signal(signal);
  }

  #receive(bytes: Uint8Array): void {
    this.#heardAt = this.#deps.clock.now();
    if (this.#state === 'interrupted' && !this.#iceDown) this.#restored();
    const incoming = this.#codec?.read(bytes);
    if (incoming?.type === 'bye') this.#lost();
    else if (incoming?.type === 'text') this.#strangerText(incoming.text);
    else if (incoming?.type === 'typing') this.#strangerTyping();
    else if (incoming?.type === 'image') this.#events.emit('image', incoming.event);
    else if (incoming?.type === 'refused') this.#events.emit('refused', incoming.reason);
  }

  #strangerText(text: string): void {
    // Their message ends their typing: the next "typing" is news again.
    this.#typingHeardAt = Number.NEGATIVE_INFINITY;
    this.#events.emit('text', text);
  }

  /** A stranger's browser may send "typing" as often as it likes: the page hears it rarely. */
  #strangerTyping(): void {
    const now = this.#deps.clock.now();
    if (now - this.#typingHeardAt < TYPING_HEARD_MS) return;
    this.#typingHeardAt = now;
    this.#events.emit('typing');
  }

  /** Says "still here" and checks the stranger did too, every HEARTBEAT_MS while the chat lasts. */
  #heartbeat(): void {
    if (this.#state !== 'open' && this.#state !== 'interrupted') return;
    if (this.#codec !== undefined) this.#send(this.#codec.heartbeat());
    const silent = this.#deps.clock.now() - this.#heardAt > SILENCE_MS;
    if (silent && this.#state === 'open') this.#interrupt();
    this.#heartbeatTimer = this.#deps.clock.setTimeout(() => this.#heartbeat(), HEARTBEAT_MS);
  }

  #iceInterrupted(state: 'disconnected' | 'failed'): void {
    if (this.#state !== 'open' && this.#state !== 'interrupted') return;
    this.#iceDown = true;
    this.#interrupt();
    const { clock } = this.#deps;
    clock.clearTimeout(this.#iceDownTimer);
    if (state === 'failed') this.#restartIce({ failed: true });
    else this.#iceDownTimer = clock.setTimeout(() => this.#restartIce(), ICE_DOWN_GRACE_MS);
  }

  #interrupt(): void {
    if (this.#state !== 'open') return;
    this.#state = 'interrupted';
    const windowMs = this.#deps.reconnectWindowMs ?? RECONNECT_WINDOW_MS;
    this.#giveUpTimer = this.#deps.clock.setTimeout(() => this.#lost(), windowMs);
    this.#events.emit('interrupted');
  }

  #restored(): void {
    this.#state = 'open';
    this.#deps.clock.clearTimeout(this.#giveUpTimer);
    this.#watchRoute();
    this.#events.emit('restored');
  }

  /**
   * `failed`: the connection cannot heal by itself (ICE failed, or its DTLS did and the peer
   * will be rebuilt): if a restart is not allowed yet, one follows when it is.
   */
  #restartIce({ failed = false } = {}): void {
    if (this.#state === 'ended') return;
    const { clock } = this.#deps;
    if (!this.#restartAllowed()) {
      // A lost offer must be replaced, but not sooner than the interval after the last restart:
      // the stranger may have seen that one, and Firefox fails the DTLS handshake for good when
      // two restarts reach it close together. The same for a connection that failed.
      if (this.#offer !== 'lost' && !failed) return;
      clock.clearTimeout(this.#deferredRestartTimer);
      const wait = this.#restartedAt + RESTART_INTERVAL_MS - clock.now();
      this.#deferredRestartTimer = clock.setTimeout(() => {
        if (this.#offer === 'lost' || (failed && this.#iceDown)) this.#restartIce({ failed });
      }, wait);
      return;
    }
    this.#peer?.restartIce(this.#iceServers, { takeBackOffer: this.#offer === 'lost' });
  }

  /** At most one ICE restart per RESTART_INTERVAL_MS, ours or the stranger's request: counts it. */
  #restartAllowed(): boolean {
    const now = this.#deps.clock.now();
    if (now - this.#restartedAt < RESTART_INTERVAL_MS) return false;
    this.#restartedAt = now;
    return true;
  }

  /** Reads the media route a few times from now on; a newer schedule replaces an older one. */
  #watchRoute(): void {
    const { clock } = this.#deps;
    for (const timer of this.#routeTimers) clock.clearTimeout(timer);
    this.#routeTimers = ROUTE_CHECKS_MS.map((delay) =>
      clock.setTimeout(() => void this.#checkRoute(), delay),
    );
  }

  async #checkRoute(): Promise<void> {
    let route: RouteType | undefined;
    try {
      route = await this.#peer?.routeType();
    } catch (error) {
      console.warn('mayfly: could not tell the connection route', error);
      return;
    }
    // An unreadable report keeps what we knew rather than making the badge flicker.
    const live = this.#state === 'open' || this.#state === 'interrupted';
    if (!live || route === undefined || route === this.#route) return;
    this.#route = route;
    this.#events.emit('route', route);
  }

  /** While interrupted, the data channel still takes messages: they leave when it is back. */
  #send(text: string): boolean {
    const live = this.#state === 'open' || this.#state === 'interrupted';
    return live && this.#peer !== undefined && this.#peer.send(text);
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resume) => {
      this.#pauseTimer = this.#deps.clock.setTimeout(resume, ms);
    });
  }

  #unlessEnded<T>(promise: Promise<T>): Promise<T | undefined> {
    return Promise.race([promise, this.#ending]);
  }

  /** The connection is lost: before the channel opened it failed, after it the stranger left. */
  #lost(reason: ChatFailure = 'connection-failed'): void {
    const wasOpen = this.#state === 'open' || this.#state === 'interrupted';
    if (this.#end()) {
      if (wasOpen) this.#events.emit('left');
      else this.#events.emit('failed', reason);
    }
    this.#events.removeAllListeners();
  }

  #ended(): boolean {
    return this.#state === 'ended';
  }

  /** Ends everything, once: returns whether this call did. */
  #end(): boolean {
    if (this.#state === 'ended') return false;
    this.#state = 'ended';
    const { clock } = this.#deps;
    clock.clearTimeout(this.#connectTimer);
    for (const timer of this.#routeTimers) clock.clearTimeout(timer);
    clock.clearTimeout(this.#pauseTimer);
    clock.clearTimeout(this.#heartbeatTimer);
    clock.clearTimeout(this.#iceDownTimer);
    clock.clearTimeout(this.#giveUpTimer);
    clock.clearTimeout(this.#deferredRestartTimer);
    this.#stopWaiting();
    this.#pendingSignals = [];
    if (this.#codec !== undefined) this.#peer?.send(this.#codec.bye());
    this.#peer?.destroy();
    return true;
  }
}
