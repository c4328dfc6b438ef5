/**
 * The chat session: one stranger at a time, from Start to Stop. Plain TypeScript with every
 * dependency injected (signaling, media devices, the peer connection factory, image
 * re-encoding, object URLs, time), so the state machine runs in unit tests as it runs in the page.
 * It wires its parts, which all show up in the one SessionView it publishes: the server queue
 * (ServerQueue), one ChatConnection per stranger (which exists exactly while the phase is
 * `connecting` or `connected`), the camera and microphone (LocalMedia), the messages (ChatLog).
 *
 *   idle ─Start─▶ requesting-media ─▶ waiting ─matched─▶ connecting ─peer open─▶ connected
 *                                        ▲                    │ fails/times out      │ stranger leaves
 *                                        │                    ▼                      ▼
 *                                        └────── Next ───── failed           partner-left
 *   Stop from any state returns to idle and releases the camera.
 */
import type { Matched, ReportReason, StartRequest, Welcome } from '@mayfly/protocol';
import {
  ChatConnection,
  type ChatConnectionDeps,
  type ChatFailure,
  type OutgoingImage,
} from '../chat/chat-connection';
import { ChatLog, type ObjectUrls } from '../chat/chat-log';
import type { RequestResult, SignalingPort } from '../signaling/signaling-client';
import { LocalMedia, type MediaPort } from './local-media';
import { ServerQueue } from './server-queue';
import { initialView, isInChat, type Phase, type SessionView } from './session-view';
import { ViewPublisher } from './view-publisher';

export interface SessionDeps extends ChatConnectionDeps {
  signaling: SignalingPort;
  media: MediaPort;
  /**
   * Loads the WebRTC code ahead of the first chat; called on `prepare()` and on Start, so it
   * loads at the latest while the camera prompt is open. Safe to call again.
   */
  preparePeer?(): void;
  /** Strips metadata by drawing the picture again; throws when the file is not an image. */
  reencodeImage(file: Blob): Promise<OutgoingImage>;
  objectUrls: ObjectUrls;
}

export interface StartOptions {
  nickname?: string | undefined;
  interests?: string[] | undefined;
  relayOnly: boolean;
  /** Blur each new stranger's video until it is revealed; unset keeps the current setting. */
  safeStart?: boolean | undefined;
}

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

  /** The current stranger's connection, while `connecting` or `connected`. */
  #chat: ChatConnection | undefined;

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
      onTrackReplaced: (old, fresh, stream) => this.#chat?.replaceTrack(old, fresh, stream),
    });
    this.#log = new ChatLog({
      objectUrls: deps.objectUrls,
      clock: deps.clock,
      onChange: (chat) => this.#update({ chat }),
    });
    this.#unsubscribe.push(
      signaling.on('welcome', (welcome) => this.#onWelcome(welcome)),
      signaling.on('status', (server) => this.#update({ server })),
      signaling.on('matched', (matched) => this.#onMatched(matched)),
      signaling.on('signal', (signal) => this.#chat?.signal(signal)),
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
    if (this.#view.phase !== 'connected' || this.#chat?.sendText(text) !== true) return false;
    this.#log.addOwnText(this.#myName(), text);
    return true;
  }

  /** Re-encodes the picture in this browser (dropping EXIF/GPS) and sends it in chunks. */
  async sendImage(file: Blob): Promise<void> {
    const chat = this.#chat;
    if (chat === undefined || this.#view.phase !== 'connected' || this.#view.sendingImage) return;
    this.#update({ sendingImage: true });
    let entryId = 0;
    const result = await chat.sendImage(this.#deps.reencodeImage(file), {
      started: ({ bytes, mime }) => (entryId = this.#log.addOwnImage(this.#myName(), bytes, mime)),
      progress: (fraction) => this.#log.setProgress(entryId, fraction),
    });
    // Ended with the chat, which reset the view and keeps or clears the log as it should.
    if (result === 'cancelled') return;
    if (result === 'failed') this.#log.markFailed(entryId);
    if (result === 'unreadable') this.#log.system('That file could not be read as a picture.');
    if (result === 'too-large') {
      this.#log.system('That picture is too large to send, even after shrinking it.');
    }
    this.#update({ sendingImage: false });
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

  /** A new stranger: their connection, wired to the view and the log. */
  #onMatched({ initiator, partnerNickname, sharedInterests }: Matched): void {
    if (this.#view.phase !== 'waiting') return;
    this.#queue.matched();
    // The "connecting" view renders once our offer has left (initiator) or our peer is ready.
    this.#views.hold();
    const relayOnly = this.#view.relayOnly;
    this.#update({
      phase: 'connecting',
      partnerNickname,
      sharedInterests,
      safetyCode: undefined,
      remoteStream: undefined,
      chatRelayOnly: relayOnly,
      // Blurred before the first frame can arrive.
      strangerBlurred: this.#view.safeStart,
    });
    const iceServers = this.#welcome?.iceServers ?? [];
    const stream = this.#media.state.localStream;
    const chat = new ChatConnection({ initiator, iceServers, relayOnly, stream }, this.#deps);
    this.#chat = chat;
    const name = partnerNickname ?? 'Stranger';
    chat.on('signal', (signal) => this.#deps.signaling.signal(signal));
    chat.on('busy', (busy) => (busy ? this.#views.hold() : this.#views.release()));
    chat.on('connected', () => this.#update({ phase: 'connected' }));
    chat.on('stream', (remoteStream) => this.#update({ remoteStream }));
    chat.on('safetyCode', (safetyCode) => this.#update({ safetyCode }));
    chat.on('route', (route) => this.#update({ route }));
    chat.on('text', (text) => this.#log.strangerText(name, text));
    chat.on('image', (event) => this.#log.strangerImage(event, name));
    chat.on('refused', (reason) => this.#log.refused(reason));
    chat.on('left', () => this.#strangerGone());
    chat.on('failed', (reason) => this.#fail(reason));
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

  #fail(reason: ChatFailure): void {
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
    this.#chat?.dispose();
    this.#chat = undefined;
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

  /** The current phase, read afresh after an await (TypeScript narrows the field too eagerly). */
  #phase(): Phase {
    return this.#view.phase;
  }

  #update(patch: Partial<SessionView>): void {
    this.#view = { ...this.#view, ...patch };
    this.#views.publish(this.#view);
  }
}
