/**
 * The chat with one stranger as the page shows it, from the match until the person moves on
 * (Next, Stop, a ban): their connection (a ChatConnection, while it lives) wired to the view and
 * the log, what the view shows of them, and the chat's own phases:
 *
 *   connecting ─data channel open─▶ connected ─they leave─▶ partner-left ◀── Report, Block
 *        └────── fails, times out ──────▶ failed        ▲ │ the line breaks, comes back
 *                                                       └─┘ (reconnectingUntil in the view)
 *
 * A break in the line (ours or theirs) is held for the reconnection window: the view says
 * until when, the connection restarts ICE, and when our own signaling came back the chat is
 * resumed on the server with its resume token (kept in memory only, renewed at each resume).
 *
 * The connection often ends before the chat does: when the stranger leaves, their name and the
 * log stay on screen until Next. `close()` ends both.
 */
import type { IceServer, Matched, PartnerReturned, ReportReason, Signal } from '@mayfly/protocol';
import {
  ChatConnection,
  type ChatConnectionDeps,
  type ChatFailure,
  type OutgoingImage,
} from '../chat/chat-connection';
import type { ChatLog } from '../chat/chat-log';
import type { RequestResult, SignalingPort } from '../signaling/signaling-client';
import type { Phase, SessionView } from './session-view';

export type ChatPhase = Extract<Phase, 'connecting' | 'connected' | 'partner-left' | 'failed'>;

export interface StrangerChatDeps extends ChatConnectionDeps {
  signaling: SignalingPort;
  /** Strips metadata by drawing the picture again; throws when the file is not an image. */
  reencodeImage(file: Blob): Promise<OutgoingImage>;
}

/** Where the chat shows: the session's log and view. */
export interface ChatScreen {
  log: ChatLog;
  /** Holds the view back while one of our WebRTC steps runs: see ViewPublisher. */
  views: { hold(): void; release(): void };
  update(patch: Partial<SessionView>): void;
}

/** The match, and what the session brings to it. */
export interface ChatSetup extends Matched {
  iceServers: readonly IceServer[];
  /** Our camera and microphone; absent in text-only mode. */
  stream: MediaStream | undefined;
  /** This chat offers relay addresses only ("Hide my IP address" when matched). */
  relayOnly: boolean;
  /** Blur the stranger's video until the person reveals it. */
  safeStart: boolean;
  /** How long a broken line may take to come back before the chat is given up. */
  reconnectWindowMs: number;
}

export class StrangerChat {
  readonly #deps: StrangerChatDeps;
  readonly #screen: ChatScreen;
  #phase: ChatPhase = 'connecting';
  #blurred: boolean;
  /** While `connecting` or `connected`. */
  #connection: ChatConnection | undefined;
  /** Takes the chat back on the server after our connection to it dropped; a secret. */
  #resumeToken: string | undefined;
  readonly #reconnectWindowMs: number;

  constructor(setup: ChatSetup, deps: StrangerChatDeps, screen: ChatScreen) {
    this.#deps = deps;
    this.#screen = screen;
    this.#blurred = setup.safeStart;
    this.#resumeToken = setup.resumeToken;
    this.#reconnectWindowMs = setup.reconnectWindowMs;
    const { initiator, iceServers, stream, relayOnly } = setup;
    // The "connecting" view renders once our description (offer or answer) has left.
    screen.views.hold();
    screen.update({
      phase: 'connecting',
      partnerNickname: setup.partnerNickname,
      sharedInterests: setup.sharedInterests,
      sharedLanguages: setup.sharedLanguages ?? [],
      safetyCode: undefined,
      remoteStream: undefined,
      chatRelayOnly: relayOnly,
      // Blurred before the first frame can arrive.
      strangerBlurred: this.#blurred,
    });
    const connection = new ChatConnection(
      { initiator, iceServers, relayOnly, stream },
      { ...deps, reconnectWindowMs: setup.reconnectWindowMs },
    );
    this.#connection = connection;
    connection.on('signal', (signal) => deps.signaling.signal(signal));
    connection.on('busy', (busy) => (busy ? screen.views.hold() : screen.views.release()));
    connection.on('connected', () => this.#set('connected'));
    connection.on('stream', (remoteStream) => screen.update({ remoteStream }));
    let knownCode: string | undefined;
    connection.on('safetyCode', (safetyCode) => {
      // Only a connection rebuilt without the same certificates changes it: say so.
      if (knownCode !== undefined) screen.log.systemLine('safetyCodeChanged');
      knownCode = safetyCode;
      screen.update({ safetyCode });
    });
    connection.on('route', (route) => screen.update({ route }));
    connection.on('interrupted', () => this.#reconnecting(this.#reconnectWindowMs));
    connection.on('restored', () => screen.update({ reconnectingUntil: undefined }));
    connection.on('left', () => this.#strangerGone());
    connection.on('typing', () => screen.update({ strangerTypingAt: deps.clock.now() }));
    connection.on('text', () => screen.update({ strangerTypingAt: undefined }));
    connection.on('failed', (reason) => this.#fail(reason));
    screen.log.follow(connection, setup.partnerNickname ?? screen.log.words().stranger);
  }

  /** A signal from the stranger, relayed by the server. */
  signal(signal: Signal): void {
    this.#connection?.signal(signal);
  }

  /** A new camera or microphone mid-chat. */
  replaceTrack(old: MediaStreamTrack, fresh: MediaStreamTrack, stream: MediaStream): void {
    this.#connection?.replaceTrack(old, fresh, stream);
  }

  /**
   * Our connection to the server came back (a new one): take the chat back there with its
   * resume token, and restart ICE with the fresh ICE servers if the line is broken too.
   */
  async resume(iceServers: readonly IceServer[]): Promise<void> {
    const token = this.#resumeToken;
    if (token === undefined || !this.#paired()) return;
    const result = await this.#deps.signaling.resume(token);
    // Next, Stop or the stranger's leaving may have come first.
    if (this.#resumeToken !== token || !this.#paired()) return;
    if (result.ok) {
      this.#resumeToken = result.resumeToken;
      this.#connection?.restart(iceServers, { signalingBack: true });
      // The server had lost the chat and waits for the stranger to come back too. The call needs
      // no server: only a broken line is news for the person (a restart leaves calls flowing).
      if (!result.partnerPresent && this.#connection?.interrupted === true) {
        this.#reconnecting(this.#reconnectWindowMs);
      }
    } else if (result.code === 'resume_invalid' || result.code === 'resume_expired') {
      this.#strangerGone();
    } else {
      console.warn('mayfly: could not resume the chat:', result.code);
    }
  }

  /** The browser is back online: a broken line is restarted at once. */
  restart(iceServers: readonly IceServer[] | undefined): void {
    this.#connection?.restart(iceServers);
  }

  /** The server says the stranger's connection to it dropped: it holds them this long. */
  partnerAway(graceMs: number): void {
    if (this.#connection?.interrupted === true) this.#reconnecting(graceMs);
  }

  /** The stranger took the chat back from a new connection. */
  partnerReturned(back: PartnerReturned, iceServers: readonly IceServer[] | undefined): void {
    if (!this.#paired()) return;
    if (back.resumeToken !== undefined) this.#resumeToken = back.resumeToken;
    this.#connection?.restart(iceServers, { signalingBack: true });
  }

  /** The server says the stranger left. */
  partnerLeft(): void {
    if (this.#paired()) this.#strangerGone();
  }

  /** Reports the stranger: the chat ends, and they are not matched with this person again. */
  report(reason: ReportReason): void {
    this.#endAndBlock('report', (signaling) => signaling.report(reason));
  }

  /** Ends the chat, and the stranger is not matched with this person again. */
  block(): void {
    this.#endAndBlock('block', (signaling) => signaling.block());
  }

  /** Blurs the stranger's video or shows it. */
  blur(blurred: boolean): void {
    if (blurred === this.#blurred) return;
    this.#blurred = blurred;
    this.#screen.update({ strangerBlurred: blurred });
  }

  /** Sends a text message under our `name`; false when it could not be sent. */
  sendText(name: string, raw: string): boolean {
    const connection = this.#connection;
    return connection !== undefined && this.#screen.log.sendText(connection, name, raw);
  }

  /** Tells the stranger we are typing (throttled by the connection). */
  typing(): void {
    this.#connection?.typing();
  }

  /** Re-encodes the picture in this browser (dropping EXIF/GPS) and sends it in chunks. */
  async sendImage(name: string, file: Blob): Promise<void> {
    const connection = this.#connection;
    const { log } = this.#screen;
    if (connection === undefined || this.#phase !== 'connected' || log.sendingImage) return;
    await log.sendImage(connection, name, this.#deps.reencodeImage(file));
  }

  /** The person moves on: the connection closes, and the stranger and the log are forgotten. */
  close(): void {
    this.#resumeToken = undefined;
    this.#closeConnection();
    this.#screen.log.clear();
    this.#screen.update({
      partnerNickname: undefined,
      sharedInterests: [],
      sharedLanguages: [],
      safetyCode: undefined,
      endedBy: undefined,
    });
  }

  #endAndBlock(
    endedBy: 'report' | 'block',
    send: (signaling: SignalingPort) => Promise<RequestResult>,
  ): void {
    // Only while the server still pairs us with this stranger.
    if (!this.#paired()) return;
    // First the server, so that the stranger cannot press Next before it hears of this.
    void send(this.#deps.signaling).then((result) => {
      if (!result.ok) console.warn(`mayfly: ${endedBy} was not acknowledged:`, result.code);
    });
    this.close();
    this.#set('partner-left', { problem: undefined, endedBy });
    this.#screen.log.systemLine(endedBy === 'report' ? 'youReported' : 'youBlocked');
  }

  #reconnecting(forMs: number): void {
    this.#screen.update({ reconnectingUntil: this.#deps.clock.now() + forMs });
  }

  #fail(reason: ChatFailure): void {
    this.#closeConnection();
    this.#set('failed', { problem: { kind: 'peer-failed', reason } });
  }

  #strangerGone(): void {
    this.#resumeToken = undefined;
    this.#closeConnection();
    this.#set('partner-left');
    this.#screen.log.systemLine('strangerLeft');
  }

  /** The log and the stranger's name stay until the person moves on. */
  #closeConnection(): void {
    this.#connection?.dispose();
    this.#connection = undefined;
    this.#screen.views.release();
    this.#screen.update({
      remoteStream: undefined,
      route: undefined,
      reconnectingUntil: undefined,
      strangerTypingAt: undefined,
    });
  }

  /** The server still pairs us with this stranger, connected or not. */
  #paired(): boolean {
    return this.#phase !== 'partner-left';
  }

  #set(phase: ChatPhase, patch: Partial<SessionView> = {}): void {
    this.#phase = phase;
    this.#screen.update({ ...patch, phase });
  }
}
