/**
 * The chat session: one stranger at a time, from Start to Stop. Plain TypeScript with every
 * dependency injected (signaling, media devices, the peer connection factory, image
 * re-encoding, object URLs, time), so the state machine runs in unit tests as it runs in the page.
 *
 *   idle ─Start─▶ requesting-media ─▶ waiting ─matched─▶ connecting ─peer open─▶ connected
 *                                        ▲                    │ fails/times out      │ stranger leaves
 *                                        │                    ▼                      ▼
 *                                        └────── Next ───── failed           partner-left
 *   Stop from any state returns to idle and releases the camera.
 *
 * It keeps the session's phases (the chat's own, from `connecting` on, are StrangerChat's), the
 * view and the person's choices against the server's defaults, and wires the parts: ServerQueue
 * (start, next, stop), a StrangerChat per stranger, LocalMedia (camera and microphone) and
 * ChatLog (the messages). PreparedPeer makes our side of the next connection ahead of the match:
 * an answering one while the server decides (a stranger was waiting: we answer), an offer once it
 * queues us (the one who waited sends it).
 */
import type { Matched, ReportReason, Welcome } from '@mayfly/protocol';
import { ChatLog, type ChatWords, type ObjectUrls } from '../chat/chat-log';
import { LocalMedia, type DeviceChoice, type MediaPort } from './local-media';
import { PreparedPeer } from './prepared-peer';
import { SearchProfile, type StartOptions } from './search-profile';
import { ServerQueue } from './server-queue';
import { initialView, type Phase, type Problem, type SessionView } from './session-view';
import { StrangerChat, type ChatScreen, type StrangerChatDeps } from './stranger-chat';
import { START_HOLD_MAX_MS, ViewPublisher } from './view-publisher';

export type { StartOptions } from './search-profile';

export interface SessionDeps extends StrangerChatDeps {
  media: MediaPort;
  /**
   * Loads the WebRTC code ahead of the first chat; called on `prepare()` and on Start, so it
   * loads at the latest while the camera prompt is open. Safe to call again.
   */
  preparePeer?(): void;
  objectUrls: ObjectUrls;
  /** The chat log's own lines in the page's language, read as each line is added. */
  chatWords: () => ChatWords;
  /** Calls `listener` whenever the browser comes back online; returns how to stop. */
  onBrowserOnline?(listener: () => void): () => void;
}

/** Beyond the server's resume grace, for the server to say first that the stranger left. */
const RECONNECT_MARGIN_MS = 5_000;
/** The reconnection window against a server that does not say its grace. */
const DEFAULT_RECONNECT_WINDOW_MS = 25_000;

export class SessionController {
  readonly #deps: SessionDeps;
  /** Held while one of our WebRTC steps is under way: see ViewPublisher. */
  readonly #views: ViewPublisher<SessionView>;
  readonly #unsubscribe: (() => void)[];
  readonly #queue: ServerQueue;
  readonly #media: LocalMedia;
  readonly #log: ChatLog;
  readonly #screen: ChatScreen;
  #view: SessionView;
  #welcome: Welcome | undefined;
  #profile = new SearchProfile();
  /** What the person set themselves; the server's defaults no longer apply to it. */
  readonly #chosen = new Set<'relayOnly' | 'safeStart'>();
  /** From the match until the person moves on (Next, Stop, a ban). */
  #chat: StrangerChat | undefined;
  readonly #prepared: PreparedPeer;
  /** What each chat is built with: the session's own, and the peer prepared before the match. */
  readonly #chatDeps: StrangerChatDeps;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    const { signaling, clock } = deps;
    this.#view = { ...initialView(), server: signaling.status };
    this.#views = new ViewPublisher(this.#view, clock);
    this.#prepared = new PreparedPeer({ createPeer: deps.createPeer, clock });
    this.#chatDeps = {
      ...deps,
      createPeer: (options) => this.#prepared.take(options) ?? deps.createPeer(options),
    };
    this.#queue = new ServerQueue({
      signaling,
      clock,
      onRefused: (problem) => this.#end(problem),
      onQueued: () => {
        // Waiting in the queue: the room shows now (see start()), and whoever waits will be
        // the initiator: our offer can be made now.
        this.#views.release();
        this.#preparePeer(true);
      },
    });
    this.#media = new LocalMedia(deps.media, {
      onChange: (media) => this.#update(media),
      onTrackReplaced: (old, fresh, stream) => {
        this.#chat?.replaceTrack(old, fresh, stream);
        this.#preparePeerAgain();
      },
    });
    const { objectUrls } = deps;
    this.#log = new ChatLog({
      objectUrls,
      clock,
      words: deps.chatWords,
      onChange: (chat) => this.#update(chat),
    });
    const update = (patch: Partial<SessionView>): void => this.#update(patch);
    this.#screen = { log: this.#log, views: this.#views, update };
    this.#unsubscribe = [
      signaling.on('welcome', (welcome) => this.#onWelcome(welcome)),
      signaling.on('status', (server) => this.#update({ server })),
      signaling.on('matched', (matched) => this.#onMatched(matched)),
      signaling.on('signal', (signal) => this.#chat?.signal(signal)),
      signaling.on('partnerLeft', () => this.#chat?.partnerLeft()),
      signaling.on('partnerAway', ({ graceMs }) => this.#chat?.partnerAway(graceMs)),
      signaling.on('partnerReturned', (back) =>
        this.#chat?.partnerReturned(back, this.#welcome?.iceServers),
      ),
      // A speakers-only search found nobody in time: the server took us out of the queue.
      signaling.on('searchEnded', () => {
        if (this.#view.phase !== 'waiting') return;
        this.#queue.cancel();
        this.#end({ kind: 'search-ended', languages: this.#profile.languages });
      }),
      // A ban on our address started while we waited or chatted: the server took us out.
      signaling.on('banned', ({ retryAfterMs }) => {
        if (this.#view.phase === 'idle') return;
        this.#queue.cancel();
        this.#end({ kind: 'start-refused', code: 'banned', retryAfterMs });
      }),
      deps.onBrowserOnline?.(() => {
        // Both at once: the call's ICE, and the server, which after a long outage the back-off
        // would otherwise leave for up to 30 s (the chat's resume waits on it).
        signaling.reconnectNow();
        this.#chat?.restart(this.#welcome?.iceServers);
        // Our candidates may name the network we left.
        this.#preparePeerAgain();
      }) ?? (() => {}),
    ];
  }

  get view(): SessionView {
    return this.#view;
  }

  /** See ViewPublisher.subscribe: a `live` listener hears changes even while the view is held. */
  subscribe(listener: (view: SessionView) => void, options?: { live?: boolean }): () => void {
    return this.#views.subscribe(listener, options);
  }

  /** Start is likely to come next: load what a chat needs now. */
  prepare(): void {
    this.#deps.preparePeer?.();
  }

  async start(options: StartOptions): Promise<void> {
    if (this.#view.phase !== 'idle') return;
    this.#profile = new SearchProfile(options);
    this.#chosen.add('relayOnly');
    if (options.safeStart !== undefined) this.setSafeStart(options.safeStart);
    this.#deps.preparePeer?.();
    // The room's first render waits for the camera, then for the server's answer: queued, it
    // shows then; matched at once, when our description has left (START_HOLD_MAX_MS at most;
    // see view-publisher.ts). Where the browser may show its camera prompt, the room shows
    // within VIEW_HOLD_MAX_MS, at once to the eye; where it will not (camera and microphone
    // already allowed), a room without a camera yet is not worth showing: on a slow phone,
    // rendering it takes the main thread just as the camera comes (about 90 ms at 4x CPU) and
    // delays all that follows. The status line says what is happening meanwhile.
    this.#views.hold(this.#deps.media.mayPrompt?.() === false ? START_HOLD_MAX_MS : undefined);
    let asked = false;
    try {
      this.#update({ phase: 'requesting-media', problem: undefined, relayOnly: options.relayOnly });
      await this.#media.acquire();
      // Stop may have been pressed while the camera prompt was open.
      if (this.#phase() !== 'requesting-media') return;
      this.#views.prolong(START_HOLD_MAX_MS);
      this.#update({ phase: 'waiting' });
      // Before asking, so that it exists for a match however early; the peer itself is built
      // in a later task, after `start` has left.
      this.#preparePeer(false);
      this.#queue.start(this.#profile.request(this.#view.relayOnly));
      asked = true;
    } finally {
      if (!asked) this.#views.release();
    }
  }

  /** Leaves the current stranger (if any) and looks for the next one. */
  next(): void {
    if (this.#chat === undefined) return;
    this.#leaveChat();
    this.#update({ phase: 'waiting', problem: undefined });
    this.#preparePeer(false);
    this.#queue.next();
  }

  /** Reports the stranger: the chat ends, and they are not matched with this person again. */
  report(reason: ReportReason): void {
    this.#chat?.report(reason);
  }

  /** Ends the chat, and the stranger is not matched with this person again. */
  block(): void {
    this.#chat?.block();
  }

  /** Ends everything: leaves the stranger or the queue and turns the camera off. */
  stop(): void {
    if (this.#view.phase === 'idle') return;
    this.#end(undefined);
    this.#queue.stop();
  }

  setRelayOnly(relayOnly: boolean): void {
    this.#chosen.add('relayOnly');
    if (relayOnly === this.#view.relayOnly) return;
    this.#update({ relayOnly });
    // The server hears it with the next request; this chat's connection keeps what it had.
    if (this.#view.phase !== 'idle')
      this.#queue.update(this.#profile.request(this.#view.relayOnly));
    this.#preparePeerAgain();
  }

  /** Safe start on or off; applies from the next stranger. Kept in memory only, for this tab. */
  setSafeStart(safeStart: boolean): void {
    this.#chosen.add('safeStart');
    if (safeStart !== this.#view.safeStart) this.#update({ safeStart });
  }

  /** Shows the current stranger's video. The next stranger's starts blurred again under safe start. */
  revealStranger(): void {
    this.#chat?.blur(false);
  }

  /** Blurs the current stranger's video again, safe start or not. */
  blurStranger(): void {
    this.#chat?.blur(true);
  }

  /** Sends a text message over the data channel. Returns false when it could not be sent. */
  sendText(raw: string): boolean {
    return this.#chat?.sendText(this.#myName(), raw) ?? false;
  }

  /** The person is typing: the stranger sees "Stranger is typing…" (over the data channel). */
  typing(): void {
    this.#chat?.typing();
  }

  /** Re-encodes the picture in this browser (dropping EXIF/GPS) and sends it in chunks. */
  async sendImage(file: Blob): Promise<void> {
    await this.#chat?.sendImage(this.#myName(), file);
  }

  toggleMicrophone(): void {
    this.#media.toggleMicrophone();
  }

  toggleCamera(): void {
    this.#media.toggleCamera();
  }

  /** Switches to another camera or microphone, also mid-chat. */
  async selectDevice(kind: 'audio' | 'video', choice: DeviceChoice): Promise<void> {
    if ((await this.#media.selectDevice(kind, choice)) !== 'failed') return;
    this.#log.systemLine(kind === 'audio' ? 'microphoneFailed' : 'cameraFailed');
  }

  dispose(): void {
    this.stop();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#queue.dispose();
    this.#prepared.discard();
    this.#views.close();
  }

  #onWelcome(welcome: Welcome): void {
    this.#welcome = welcome;
    const { relayByDefault, safeStartByDefault } = welcome;
    this.#update({
      server: 'online',
      relayByDefault,
      safeStartByDefault,
      ...(this.#chosen.has('relayOnly') ? {} : { relayOnly: relayByDefault }),
      ...(this.#chosen.has('safeStart') ? {} : { safeStart: safeStartByDefault }),
    });
    // Looking, we ask the server again (a new connection loses the queue spot): as on Start, an
    // answering peer while it decides, with the fresh ICE servers (TURN credentials).
    this.#preparePeer(false);
    this.#queue.welcome();
    // A welcome during a chat: our connection to the server dropped and came back.
    void this.#chat?.resume(welcome.iceServers);
  }

  #onMatched(matched: Matched): void {
    if (this.#view.phase !== 'waiting') return;
    this.#queue.matched();
    const { relayOnly, safeStart } = this.#view;
    const iceServers = this.#welcome?.iceServers ?? [];
    const stream = this.#media.state.localStream;
    const grace = this.#welcome?.resumeGraceMs;
    const reconnectWindowMs =
      grace === undefined ? DEFAULT_RECONNECT_WINDOW_MS : grace + RECONNECT_MARGIN_MS;
    const setup = { ...matched, iceServers, stream, relayOnly, safeStart, reconnectWindowMs };
    // The chat takes the peer prepared for its role, if it has one (see #chatDeps).
    this.#chat = new StrangerChat(setup, this.#chatDeps, this.#screen);
  }

  /**
   * We look for a stranger: the peer for the role we will most likely take is made now
   * (PreparedPeer). Answering while the server decides, initiator once it queues us.
   */
  #preparePeer(initiator: boolean): void {
    if (this.#phase() !== 'waiting') {
      this.#prepared.discard();
      return;
    }
    const stream = this.#media.state.localStream;
    const iceServers = this.#welcome?.iceServers ?? [];
    this.#prepared.prepare({ initiator, iceServers, relayOnly: this.#view.relayOnly, stream });
  }

  /** What the prepared peer was made with changed: made again, if there is one. */
  #preparePeerAgain(): void {
    const initiator = this.#prepared.initiator;
    if (initiator !== undefined) this.#preparePeer(initiator);
  }

  /** Back to idle: the stranger, the queue and the camera all let go. */
  #end(problem: Problem | undefined): void {
    this.#leaveChat();
    this.#prepared.discard();
    this.#media.release();
    this.#update({ phase: 'idle', problem });
  }

  #leaveChat(): void {
    this.#chat?.close();
    this.#chat = undefined;
  }

  #myName(): string {
    return this.#profile.nickname ?? this.#deps.chatWords().you;
  }

  /** The current phase, read afresh after an await (TypeScript narrows the field too eagerly). */
  #phase(): Phase {
    return this.#view.phase;
  }

  #update(patch: Partial<SessionView>): void {
    this.#view = { ...this.#view, ...patch };
    this.#views.publish(this.#view);
  }
}
