/**
 * The chat session: one stranger at a time, from Start to Stop. Plain TypeScript with every
 * dependency injected (signaling, media devices, the peer connection factory, image
 * re-encoding, object URLs, time), so the state machine runs in unit tests as it runs in the page.
 * It owns the peer's lifecycle; the server queue is ServerQueue's, the camera and microphone
 * LocalMedia's, the messages ChatLog's, and all show up in the one SessionView it publishes.
 *
 *   idle ─Start─▶ requesting-media ─▶ waiting ─matched─▶ connecting ─peer open─▶ connected
 *                                        ▲                    │ fails/times out      │ stranger leaves
 *                                        │                    ▼                      ▼
 *                                        └────── Next ───── failed           partner-left
 *   Stop from any state returns to idle and releases the camera.
 *
 * The peer's lifecycle and the data channel messaging are the next parts to move out.
 */
import type {
  IceServer,
  Matched,
  ReportReason,
  Signal,
  StartRequest,
  Welcome,
} from '@mayfly/protocol';
import { ChatLog, type ObjectUrls } from '../chat/chat-log';
import {
  DATA_LIMITS,
  encodeMessage,
  type DataMessage,
  type ImageType,
} from '../chat/data-protocol';
import { splitImage } from '../chat/image-transfer';
import type { Clock } from '../clock';
import type { PeerConnection, PeerError, PeerOptions, RouteType } from '../peer/peer-connection';
import type { RequestResult, SignalingPort } from '../signaling/signaling-client';
import { LocalMedia, type MediaPort } from './local-media';
import { ServerQueue } from './server-queue';
import { initialView, isInChat, type Phase, type SessionView } from './session-view';
import { ViewPublisher } from './view-publisher';

/** The peer connection surface the controller uses (PeerConnection implements it). */
export type PeerLike = Pick<
  PeerConnection,
  | 'on'
  | 'signal'
  | 'send'
  | 'destroy'
  | 'replaceTrack'
  | 'bufferedAmount'
  | 'connected'
  | 'routeType'
>;

export interface SessionDeps {
  signaling: SignalingPort;
  media: MediaPort;
  createPeer(options: PeerOptions): Promise<PeerLike>;
  /**
   * Loads the WebRTC code ahead of the first chat; called on `prepare()` and on Start, so it
   * loads at the latest while the camera prompt is open. Safe to call again.
   */
  preparePeer?(): void;
  /** Strips metadata by drawing the picture again; throws when the file is not an image. */
  reencodeImage(file: Blob): Promise<{ bytes: Uint8Array<ArrayBuffer>; mime: ImageType }>;
  objectUrls: ObjectUrls;
  clock: Clock;
  /** Ids for image transfers. */
  randomId(): string;
}

export interface StartOptions {
  nickname?: string | undefined;
  interests?: string[] | undefined;
  relayOnly: boolean;
  /** Blur each new stranger's video until it is revealed; unset keeps the current setting. */
  safeStart?: boolean | undefined;
}

/** How long a stranger has to answer before we call the connection failed. */
export const CONNECT_TIMEOUT_MS = 30_000;
/** Pause sending image chunks while this much is queued on the data channel. */
const SEND_BUFFER_HIGH_WATER = 256 * 1024;
/**
 * When to read the media route, in ms after the connection opens or ICE reconnects. ICE may
 * still move to a better candidate pair in the first seconds; after that the route is settled.
 */
export const ROUTE_CHECKS_MS: readonly number[] = [0, 2_000, 6_000, 15_000];
/** Signals buffered while simple-peer loads; a real negotiation sends a few dozen. */
const PENDING_SIGNALS_MAX = 200;

export class SessionController {
  readonly #deps: SessionDeps;
  /** Held while one of our WebRTC steps is under way: see ViewPublisher. */
  readonly #views: ViewPublisher<SessionView>;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #queue: ServerQueue;
  readonly #media: LocalMedia;
  readonly #log: ChatLog;
  #view: SessionView = initialView();

  #welcome: Welcome | undefined;
  #request: StartRequest = {};
  /** The person set "Hide my IP address" themselves; the server's default no longer applies. */
  #relayChosen = false;
  /** The person set safe start themselves; the server's default no longer applies. */
  #safeStartChosen = false;

  /** Increases with every new stranger, so late async results for an old one are dropped. */
  #chatGeneration = 0;
  #peer: PeerLike | undefined;
  #pendingSignals: Signal[] = [];
  #connectTimer: unknown;
  #routeTimers: unknown[] = [];

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    const { signaling } = deps;
    this.#view = { ...initialView(), server: signaling.status };
    this.#views = new ViewPublisher(this.#view, deps.clock);
    this.#queue = new ServerQueue({
      signaling,
      clock: deps.clock,
      onRefused: (problem) => {
        this.#media.release();
        this.#update({ phase: 'idle', problem });
      },
    });
    this.#media = new LocalMedia(deps.media, {
      onChange: (media) => this.#update(media),
      // A new device mid-chat: the stranger gets the new track without renegotiation.
      onTrackReplaced: (old, fresh, stream) => this.#peer?.replaceTrack(old, fresh, stream),
    });
    this.#log = new ChatLog({
      objectUrls: deps.objectUrls,
      clock: deps.clock,
      onChange: (chat) => this.#update({ chat }),
    });
    this.#unsubscribe.push(
      signaling.on('welcome', (welcome) => this.#onWelcome(welcome)),
      signaling.on('status', (server) => this.#update({ server })),
      signaling.on('matched', (matched) => void this.#onMatched(matched)),
      signaling.on('signal', (signal) => this.#onSignal(signal)),
      signaling.on('partnerLeft', () => this.#onPartnerLeft()),
      signaling.on('banned', ({ retryAfterMs }) => this.#onBanned(retryAfterMs)),
    );
  }

  get view(): SessionView {
    return this.#view;
  }

  subscribe(listener: (view: SessionView) => void): () => void {
    return this.#views.subscribe(listener);
  }

  /* ------------------------------------------------------------ commands */

  /** Start is likely to come next: load what a chat needs now. */
  prepare(): void {
    this.#deps.preparePeer?.();
  }

  async start(options: StartOptions): Promise<void> {
    if (this.#view.phase !== 'idle') return;
    this.#request = {
      ...(options.nickname === undefined ? {} : { nickname: options.nickname }),
      ...(options.interests === undefined || options.interests.length === 0
        ? {}
        : { interests: options.interests }),
      relayOnly: options.relayOnly,
    };
    this.#relayChosen = true;
    if (options.safeStart !== undefined) this.setSafeStart(options.safeStart);
    this.#deps.preparePeer?.();
    // The room's first render waits until the camera has answered and `start` has left.
    this.#views.hold();
    try {
      this.#update({ phase: 'requesting-media', problem: undefined, relayOnly: options.relayOnly });
      await this.#media.acquire();
      // Stop may have been pressed while the camera prompt was open.
      if (this.#phase() !== 'requesting-media') return;
      this.#update({ phase: 'waiting' });
      this.#queue.start(this.#request);
    } finally {
      this.#views.release();
    }
  }

  /** Leaves the current stranger (if any) and looks for the next one. */
  next(): void {
    if (!isInChat(this.#view.phase)) return;
    this.#leaveChat();
    this.#forgetStranger();
    this.#update({ phase: 'waiting', problem: undefined, endedBy: undefined });
    this.#queue.next();
  }

  /** Reports the stranger: the chat ends, and they are not matched with this person again. */
  report(reason: ReportReason): void {
    this.#endAndBlock('report', (signaling) => signaling.report(reason));
  }

  /** Ends the chat, and the stranger is not matched with this person again. */
  block(): void {
    this.#endAndBlock('block', (signaling) => signaling.block());
  }

  #endAndBlock(
    endedBy: 'report' | 'block',
    send: (signaling: SignalingPort) => Promise<RequestResult>,
  ): void {
    const phase = this.#view.phase;
    // Only while the server still pairs us with this stranger.
    if (phase !== 'connecting' && phase !== 'connected' && phase !== 'failed') return;
    // First the server, so that the stranger cannot press Next before it hears of this.
    void send(this.#deps.signaling).then((result) => {
      if (!result.ok) console.warn(`mayfly: ${endedBy} was not acknowledged:`, result.code);
    });
    this.#leaveChat();
    this.#forgetStranger();
    this.#update({ phase: 'partner-left', problem: undefined, endedBy });
    this.#log.system(
      endedBy === 'report'
        ? 'You reported the stranger. You will not be matched with them again.'
        : 'You blocked the stranger. You will not be matched with them again.',
    );
  }

  /** Ends everything: leaves the stranger or the queue and turns the camera off. */
  stop(): void {
    if (this.#view.phase === 'idle') return;
    this.#leaveChat();
    this.#forgetStranger();
    this.#media.release();
    this.#update({ phase: 'idle', problem: undefined });
    this.#queue.stop();
  }

  setRelayOnly(relayOnly: boolean): void {
    this.#relayChosen = true;
    if (relayOnly === this.#view.relayOnly) return;
    this.#request = { ...this.#request, relayOnly };
    if (this.#view.phase !== 'idle') this.#queue.update(this.#request);
    this.#update({ relayOnly });
  }

  /** Safe start on or off; applies from the next stranger. Kept in memory only, for this tab. */
  setSafeStart(safeStart: boolean): void {
    this.#safeStartChosen = true;
    if (safeStart !== this.#view.safeStart) this.#update({ safeStart });
  }

  /** Shows the current stranger's video. The next stranger's starts blurred again under safe start. */
  revealStranger(): void {
    if (this.#view.strangerBlurred) this.#update({ strangerBlurred: false });
  }

  /** Blurs the current stranger's video again, safe start or not. */
  blurStranger(): void {
    if (isInChat(this.#view.phase) && !this.#view.strangerBlurred) {
      this.#update({ strangerBlurred: true });
    }
  }

  /** Sends a text message over the data channel. Returns false when it could not be sent. */
  sendText(raw: string): boolean {
    const text = raw.trim();
    if (text === '' || text.length > DATA_LIMITS.textLength) return false;
    if (!this.#send({ type: 'text', text })) return false;
    this.#log.addOwnText(this.#myName(), text);
    return true;
  }

  /** Re-encodes the picture in this browser (dropping EXIF/GPS) and sends it in chunks. */
  async sendImage(file: Blob): Promise<void> {
    const peer = this.#peer;
    if (peer === undefined || this.#view.phase !== 'connected' || this.#view.sendingImage) return;
    const generation = this.#chatGeneration;
    this.#update({ sendingImage: true });
    try {
      let encoded: { bytes: Uint8Array<ArrayBuffer>; mime: ImageType };
      try {
        encoded = await this.#deps.reencodeImage(file);
      } catch {
        this.#log.system('That file could not be read as a picture.');
        return;
      }
      if (generation !== this.#chatGeneration) return;
      if (encoded.bytes.byteLength > DATA_LIMITS.imageBytes) {
        this.#log.system('That picture is too large to send, even after shrinking it.');
        return;
      }
      const messages = splitImage(this.#deps.randomId(), encoded.bytes, encoded.mime);
      const entryId = this.#log.addOwnImage(this.#myName(), encoded.bytes, encoded.mime);
      for (const [index, message] of messages.entries()) {
        while (peer.bufferedAmount > SEND_BUFFER_HIGH_WATER) {
          await this.#sleep(25);
          if (generation !== this.#chatGeneration) return;
        }
        if (generation !== this.#chatGeneration || !peer.send(encodeMessage(message))) {
          this.#log.markFailed(entryId);
          return;
        }
        this.#log.setProgress(entryId, (index + 1) / messages.length);
      }
    } finally {
      if (generation === this.#chatGeneration) this.#update({ sendingImage: false });
    }
  }

  toggleMicrophone(): void {
    this.#media.toggleMicrophone();
  }

  toggleCamera(): void {
    this.#media.toggleCamera();
  }

  /** Switches to another camera or microphone, also mid-chat. */
  async selectDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    if ((await this.#media.selectDevice(kind, deviceId)) !== 'failed') return;
    this.#log.system(
      kind === 'audio'
        ? 'That microphone could not be opened.'
        : 'That camera could not be opened.',
    );
  }

  dispose(): void {
    this.stop();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#queue.dispose();
    this.#views.close();
  }

  /* ------------------------------------------------------- server events */

  #onWelcome(welcome: Welcome): void {
    this.#welcome = welcome;
    this.#update({
      server: 'online',
      relayByDefault: welcome.relayByDefault,
      relayOnly: this.#relayChosen ? this.#view.relayOnly : welcome.relayByDefault,
      safeStartByDefault: welcome.safeStartByDefault,
      safeStart: this.#safeStartChosen ? this.#view.safeStart : welcome.safeStartByDefault,
    });
    this.#queue.welcome();
  }

  async #onMatched(matched: Matched): Promise<void> {
    if (this.#view.phase !== 'waiting') return;
    const generation = ++this.#chatGeneration;
    this.#queue.matched();
    this.#pendingSignals = [];
    // The "connecting" view renders once our offer has left (initiator) or our peer is ready.
    this.#views.hold();
    this.#update({
      phase: 'connecting',
      partnerNickname: matched.partnerNickname,
      sharedInterests: matched.sharedInterests,
      safetyCode: undefined,
      remoteStream: undefined,
      chatRelayOnly: this.#view.relayOnly,
      // Blurred before the first frame can arrive.
      strangerBlurred: this.#view.safeStart,
    });
    this.#connectTimer = this.#deps.clock.setTimeout(() => {
      if (generation === this.#chatGeneration && this.#view.phase === 'connecting') {
        this.#fail('timeout');
      }
    }, CONNECT_TIMEOUT_MS);
    let peer: PeerLike;
    try {
      peer = await this.#deps.createPeer({
        initiator: matched.initiator,
        iceServers: this.#welcome?.iceServers ?? ([] as IceServer[]),
        relayOnly: this.#view.chatRelayOnly,
        stream: this.#media.state.localStream,
      });
    } catch (error) {
      console.error('mayfly: could not create the peer connection', error);
      if (generation === this.#chatGeneration) this.#fail('unsupported');
      return;
    }
    if (generation !== this.#chatGeneration || this.#phase() !== 'connecting') {
      peer.destroy();
      return;
    }
    this.#peer = peer;
    peer.on('signal', (signal) => {
      this.#deps.signaling.signal(signal);
      if (signal.type === 'offer' || signal.type === 'answer') this.#views.release();
    });
    peer.on('connected', () => {
      this.#deps.clock.clearTimeout(this.#connectTimer);
      this.#update({ phase: 'connected' });
      this.#watchRoute(peer, generation);
    });
    peer.on('iceReconnected', () => this.#watchRoute(peer, generation));
    peer.on('stream', (remoteStream) => this.#update({ remoteStream }));
    peer.on('safetyCode', (safetyCode) => this.#update({ safetyCode }));
    peer.on('data', (bytes) => {
      if (this.#log.receive(bytes, this.#strangerName()) === 'left') this.#onPartnerLeft();
    });
    peer.on('error', (error) => {
      console.warn('mayfly: peer connection error', error.code);
      if (this.#view.phase === 'connecting') this.#fail(error.kind);
      else if (this.#view.phase === 'connected') this.#strangerGone();
    });
    peer.on('closed', () => {
      if (this.#view.phase === 'connecting') this.#fail('connection-failed');
      else if (this.#view.phase === 'connected') this.#strangerGone();
    });
    const pending = this.#pendingSignals;
    this.#pendingSignals = [];
    for (const signal of pending) this.#onSignal(signal);
    // The answerer's next step waits for the stranger's offer: render meanwhile.
    if (!matched.initiator && !pending.some((signal) => signal.type === 'offer')) {
      this.#views.release();
    }
  }

  /** Reads the media route a few times from now on; a newer schedule replaces an older one. */
  #watchRoute(peer: PeerLike, generation: number): void {
    const { clock } = this.#deps;
    this.#stopWatchingRoute();
    this.#routeTimers = ROUTE_CHECKS_MS.map((delay) =>
      clock.setTimeout(() => void this.#checkRoute(peer, generation), delay),
    );
  }

  async #checkRoute(peer: PeerLike, generation: number): Promise<void> {
    let route: RouteType | undefined;
    try {
      route = await peer.routeType();
    } catch (error) {
      console.warn('mayfly: could not tell the connection route', error);
      return;
    }
    if (generation !== this.#chatGeneration || this.#view.phase !== 'connected') return;
    // An unreadable report keeps what we knew rather than making the badge flicker.
    if (route !== undefined && route !== this.#view.route) this.#update({ route });
  }

  #stopWatchingRoute(): void {
    for (const timer of this.#routeTimers) this.#deps.clock.clearTimeout(timer);
    this.#routeTimers = [];
  }

  #onSignal(signal: Signal): void {
    if (this.#view.phase !== 'connecting' && this.#view.phase !== 'connected') return;
    if (this.#peer !== undefined) {
      // What the stranger's offer starts (its tracks, our answer) renders once the answer left.
      if (signal.type === 'offer') this.#views.hold();
      this.#peer.signal(signal);
    } else if (this.#pendingSignals.length < PENDING_SIGNALS_MAX) this.#pendingSignals.push(signal);
  }

  /** A ban on our address started while we waited or chatted: the server took us out of both. */
  #onBanned(retryAfterMs: number): void {
    if (this.#view.phase === 'idle') return;
    this.#leaveChat();
    this.#forgetStranger();
    this.#media.release();
    this.#queue.cancel();
    this.#update({
      phase: 'idle',
      problem: { kind: 'start-refused', code: 'banned', retryAfterMs },
    });
  }

  #onPartnerLeft(): void {
    const { phase } = this.#view;
    if (phase === 'connecting' || phase === 'connected' || phase === 'failed') this.#strangerGone();
  }

  /* ---------------------------------------------------------- internals */

  #send(message: DataMessage): boolean {
    if (this.#view.phase !== 'connected' || this.#peer === undefined) return false;
    return this.#peer.send(encodeMessage(message));
  }

  #fail(reason: PeerError['kind'] | 'timeout'): void {
    this.#leaveChat();
    this.#update({ phase: 'failed', problem: { kind: 'peer-failed', reason } });
  }

  #strangerGone(): void {
    this.#leaveChat();
    this.#update({ phase: 'partner-left' });
    this.#log.system('Stranger left.');
  }

  /** Closes the connection to the current stranger; the log stays until the next chat. */
  #leaveChat(): void {
    this.#chatGeneration++;
    this.#deps.clock.clearTimeout(this.#connectTimer);
    this.#stopWatchingRoute();
    // Say goodbye first: the stranger learns at once even when the server cannot tell them (it
    // restarted, or is unreachable) and the closing connection's own signal is lost.
    this.#peer?.send(encodeMessage({ type: 'bye' }));
    this.#peer?.destroy();
    this.#peer = undefined;
    this.#pendingSignals = [];
    this.#views.release();
    this.#update({ remoteStream: undefined, sendingImage: false, route: undefined });
  }

  /** Empties the log and forgets who the stranger was, for the next one. */
  #forgetStranger(): void {
    this.#log.clear();
    this.#update({
      partnerNickname: undefined,
      sharedInterests: [],
      safetyCode: undefined,
      endedBy: undefined,
    });
  }

  #myName(): string {
    return this.#request.nickname ?? 'You';
  }

  #strangerName(): string {
    return this.#view.partnerNickname ?? 'Stranger';
  }

  /** The current phase, read afresh after an await (TypeScript narrows the field too eagerly). */
  #phase(): Phase {
    return this.#view.phase;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#deps.clock.setTimeout(resolve, ms));
  }

  #update(patch: Partial<SessionView>): void {
    this.#view = { ...this.#view, ...patch };
    this.#views.publish(this.#view);
  }
}
