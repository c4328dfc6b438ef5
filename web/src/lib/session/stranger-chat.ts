/**
 * The chat with one stranger as the page shows it, from the match until the person moves on
 * (Next, Stop, a ban): their connection (a ChatConnection, while it lives) wired to the view and
 * the log, what the view shows of them, and the chat's own phases:
 *
 *   connecting ─data channel open─▶ connected ─they leave─▶ partner-left ◀── Report, Block
 *        └────── fails, times out ──────▶ failed
 *
 * The connection often ends before the chat does: when the stranger leaves, their name and the
 * log stay on screen until Next. `close()` ends both.
 */
import type { IceServer, Matched, ReportReason, Signal } from '@mayfly/protocol';
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
}

export class StrangerChat {
  readonly #deps: StrangerChatDeps;
  readonly #screen: ChatScreen;
  #phase: ChatPhase = 'connecting';
  #blurred: boolean;
  /** While `connecting` or `connected`. */
  #connection: ChatConnection | undefined;

  constructor(setup: ChatSetup, deps: StrangerChatDeps, screen: ChatScreen) {
    this.#deps = deps;
    this.#screen = screen;
    this.#blurred = setup.safeStart;
    const { initiator, iceServers, stream, relayOnly } = setup;
    // The "connecting" view renders once our offer has left (initiator) or our peer is ready.
    screen.views.hold();
    screen.update({
      phase: 'connecting',
      partnerNickname: setup.partnerNickname,
      sharedInterests: setup.sharedInterests,
      safetyCode: undefined,
      remoteStream: undefined,
      chatRelayOnly: relayOnly,
      // Blurred before the first frame can arrive.
      strangerBlurred: this.#blurred,
    });
    const connection = new ChatConnection({ initiator, iceServers, relayOnly, stream }, deps);
    this.#connection = connection;
    connection.on('signal', (signal) => deps.signaling.signal(signal));
    connection.on('busy', (busy) => (busy ? screen.views.hold() : screen.views.release()));
    connection.on('connected', () => this.#set('connected'));
    connection.on('stream', (remoteStream) => screen.update({ remoteStream }));
    connection.on('safetyCode', (safetyCode) => screen.update({ safetyCode }));
    connection.on('route', (route) => screen.update({ route }));
    connection.on('left', () => this.#strangerGone());
    connection.on('failed', (reason) => this.#fail(reason));
    screen.log.follow(connection, setup.partnerNickname ?? 'Stranger');
  }

  /** A signal from the stranger, relayed by the server. */
  signal(signal: Signal): void {
    this.#connection?.signal(signal);
  }

  /** A new camera or microphone mid-chat. */
  replaceTrack(old: MediaStreamTrack, fresh: MediaStreamTrack, stream: MediaStream): void {
    this.#connection?.replaceTrack(old, fresh, stream);
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

  /** Re-encodes the picture in this browser (dropping EXIF/GPS) and sends it in chunks. */
  async sendImage(name: string, file: Blob): Promise<void> {
    const connection = this.#connection;
    const { log } = this.#screen;
    if (connection === undefined || this.#phase !== 'connected' || log.sendingImage) return;
    await log.sendImage(connection, name, this.#deps.reencodeImage(file));
  }

  /** The person moves on: the connection closes, and the stranger and the log are forgotten. */
  close(): void {
    this.#closeConnection();
    this.#screen.log.clear();
    this.#screen.update({
      partnerNickname: undefined,
      sharedInterests: [],
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
    this.#screen.log.system(
      endedBy === 'report'
        ? 'You reported the stranger. You will not be matched with them again.'
        : 'You blocked the stranger. You will not be matched with them again.',
    );
  }

  #fail(reason: ChatFailure): void {
    this.#closeConnection();
    this.#set('failed', { problem: { kind: 'peer-failed', reason } });
  }

  #strangerGone(): void {
    this.#closeConnection();
    this.#set('partner-left');
    this.#screen.log.system('Stranger left.');
  }

  /** The log and the stranger's name stay until the person moves on. */
  #closeConnection(): void {
    this.#connection?.dispose();
    this.#connection = undefined;
    this.#screen.views.release();
    this.#screen.update({ remoteStream: undefined, route: undefined });
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
