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
 */
import type {
  ErrorCode,
  IceServer,
  Matched,
  Signal,
  StartRequest,
  Welcome,
} from '@mayfly/protocol';
import {
  DATA_LIMITS,
  decodeMessage,
  encodeMessage,
  type DataMessage,
  type ImageType,
} from '../chat/data-protocol';
import { ImageAssembler, splitImage } from '../chat/image-transfer';
import type { PeerConnection, PeerError, PeerOptions, RouteType } from '../peer/peer-connection';
import type { RequestResult, ServerStatus, SignalingPort } from '../signaling/signaling-client';

export type Phase =
  'idle' | 'requesting-media' | 'waiting' | 'connecting' | 'connected' | 'partner-left' | 'failed';

/** Why we are in text-only mode. */
export type MediaProblem = 'permission-denied' | 'no-devices' | 'device-busy' | 'unsupported';

export type Problem =
  | { kind: 'start-refused'; code: ErrorCode | 'unreachable' }
  | { kind: 'peer-failed'; reason: PeerError['kind'] | 'timeout' };

export interface DeviceOption {
  id: string;
  label: string;
}

interface EntryBase {
  id: number;
  from: 'me' | 'stranger' | 'system';
  /** Display name of the author. */
  name: string;
}
export type ChatEntry =
  | (EntryBase & { kind: 'text'; text: string })
  | (EntryBase & {
      kind: 'image';
      /** Object URL once the image is complete. */
      url: string | undefined;
      /** 0 to 1. */
      progress: number;
      failed: boolean;
    });

export interface SessionView {
  readonly phase: Phase;
  readonly server: ServerStatus;
  /** The operator's default for "Hide my IP address", known after the server's welcome. */
  readonly relayByDefault: boolean | undefined;
  readonly textOnly: boolean;
  readonly mediaProblem: MediaProblem | undefined;
  readonly problem: Problem | undefined;
  readonly localStream: MediaStream | undefined;
  readonly remoteStream: MediaStream | undefined;
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  readonly cameras: readonly DeviceOption[];
  readonly microphones: readonly DeviceOption[];
  readonly cameraId: string | undefined;
  readonly microphoneId: string | undefined;
  readonly partnerNickname: string | undefined;
  readonly sharedInterests: readonly string[];
  readonly safetyCode: string | undefined;
  /** While connected: whether media goes through a relay; `undefined` until the stats tell. */
  readonly route: RouteType | undefined;
  /**
   * The current chat's connection offered relay addresses only. "Hide my IP address" may have
   * changed since; it applies from the next stranger.
   */
  readonly chatRelayOnly: boolean;
  readonly chat: readonly ChatEntry[];
  readonly sendingImage: boolean;
  readonly relayOnly: boolean;
}

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

export interface MediaPort {
  /** False where the browser offers no camera API (e.g. an insecure origin). */
  readonly available: boolean;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SessionDeps {
  signaling: SignalingPort;
  media: MediaPort;
  createPeer(options: PeerOptions): Promise<PeerLike>;
  /** Called on Start, so the WebRTC code can load while the camera prompt is open. */
  preparePeer?(): void;
  /** Strips metadata by drawing the picture again; throws when the file is not an image. */
  reencodeImage(file: Blob): Promise<{ bytes: Uint8Array<ArrayBuffer>; mime: ImageType }>;
  objectUrls: { create(blob: Blob): string; revoke(url: string): void };
  clock: Clock;
  /** Ids for image transfers. */
  randomId(): string;
}

export interface StartOptions {
  nickname?: string | undefined;
  interests?: string[] | undefined;
  relayOnly: boolean;
}

/** How long a stranger has to answer before we call the connection failed. */
export const CONNECT_TIMEOUT_MS = 30_000;
/** Entries kept in the chat log; older ones (and their images) are dropped. */
export const CHAT_HISTORY = 300;
/** Stranger's messages per second shown before the rest are dropped. */
const STRANGER_MESSAGES_PER_SECOND = 5;
/** Pause sending image chunks while this much is queued on the data channel. */
const SEND_BUFFER_HIGH_WATER = 256 * 1024;
/**
 * When to read the media route, in ms after the connection opens or ICE reconnects. ICE may
 * still move to a better candidate pair in the first seconds; after that the route is settled.
 */
export const ROUTE_CHECKS_MS: readonly number[] = [0, 2_000, 6_000, 15_000];
/** Signals buffered while simple-peer loads; a real negotiation sends a few dozen. */
const PENDING_SIGNALS_MAX = 200;

const INITIAL_VIEW: SessionView = {
  phase: 'idle',
  server: 'connecting',
  relayByDefault: undefined,
  textOnly: false,
  mediaProblem: undefined,
  problem: undefined,
  localStream: undefined,
  remoteStream: undefined,
  micMuted: false,
  cameraOff: false,
  cameras: [],
  microphones: [],
  cameraId: undefined,
  microphoneId: undefined,
  partnerNickname: undefined,
  sharedInterests: [],
  safetyCode: undefined,
  route: undefined,
  chatRelayOnly: false,
  chat: [],
  sendingImage: false,
  relayOnly: false,
};

export function initialView(): SessionView {
  return INITIAL_VIEW;
}

const IN_CHAT: ReadonlySet<Phase> = new Set(['connecting', 'connected', 'partner-left', 'failed']);

export class SessionController {
  readonly #deps: SessionDeps;
  readonly #listeners = new Set<(view: SessionView) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  #view: SessionView = INITIAL_VIEW;

  #welcome: Welcome | undefined;
  #request: StartRequest = {};
  /** Set when "Hide my IP address" changed since the server last heard our request. */
  #requestChanged = false;
  /** The person set "Hide my IP address" themselves; the server's default no longer applies. */
  #relayChosen = false;
  /** A start/next the server has not yet acknowledged or could not take (offline). */
  #queueWanted: 'start' | 'next' | undefined;
  #queueInFlight = false;

  /** Increases with every new stranger, so late async results for an old one are dropped. */
  #chatGeneration = 0;
  #peer: PeerLike | undefined;
  #pendingSignals: Signal[] = [];
  #connectTimer: unknown;
  #routeTimers: unknown[] = [];
  #assembler = new ImageAssembler();
  #incomingImages = new Map<string, number>();
  #nextEntryId = 1;
  #strangerWindow = { start: 0, count: 0, warned: false };
  #rejectedWarned = false;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    const { signaling } = deps;
    this.#view = { ...INITIAL_VIEW, server: signaling.status };
    this.#unsubscribe.push(
      signaling.on('welcome', (welcome) => this.#onWelcome(welcome)),
      signaling.on('status', (server) => this.#update({ server })),
      signaling.on('matched', (matched) => void this.#onMatched(matched)),
      signaling.on('signal', (signal) => this.#onSignal(signal)),
      signaling.on('partnerLeft', () => this.#onPartnerLeft()),
    );
  }

  get view(): SessionView {
    return this.#view;
  }

  subscribe(listener: (view: SessionView) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#view);
    return () => this.#listeners.delete(listener);
  }

  /* ------------------------------------------------------------ commands */

  async start(options: StartOptions): Promise<void> {
    if (this.#view.phase !== 'idle') return;
    this.#request = {
      ...(options.nickname === undefined ? {} : { nickname: options.nickname }),
      ...(options.interests === undefined || options.interests.length === 0
        ? {}
        : { interests: options.interests }),
      relayOnly: options.relayOnly,
    };
    this.#requestChanged = false;
    this.#relayChosen = true;
    this.#deps.preparePeer?.();
    this.#update({ phase: 'requesting-media', problem: undefined, relayOnly: options.relayOnly });
    await this.#acquireMedia();
    // Stop may have been pressed while the camera prompt was open.
    if (this.#phase() !== 'requesting-media') return;
    this.#update({ phase: 'waiting' });
    this.#queue('start');
  }

  /** Leaves the current stranger (if any) and looks for the next one. */
  next(): void {
    if (!IN_CHAT.has(this.#view.phase)) return;
    this.#leaveChat();
    this.#clearChat();
    this.#update({ phase: 'waiting', problem: undefined });
    this.#queue('next');
  }

  /** Ends everything: leaves the stranger or the queue and turns the camera off. */
  stop(): void {
    if (this.#view.phase === 'idle') return;
    const wasQueued = this.#view.phase !== 'requesting-media';
    this.#leaveChat();
    this.#clearChat();
    this.#releaseMedia();
    this.#queueWanted = undefined;
    this.#update({ phase: 'idle', problem: undefined, textOnly: false, mediaProblem: undefined });
    if (wasQueued && this.#deps.signaling.status === 'online') {
      void this.#deps.signaling.stop().then((result) => {
        if (!result.ok) console.warn('mayfly: stop was not acknowledged:', result.code);
      });
    }
  }

  setRelayOnly(relayOnly: boolean): void {
    this.#relayChosen = true;
    if (relayOnly === this.#view.relayOnly) return;
    this.#request = { ...this.#request, relayOnly };
    if (this.#view.phase !== 'idle') this.#requestChanged = true;
    this.#update({ relayOnly });
  }

  /** Sends a text message over the data channel. Returns false when it could not be sent. */
  sendText(raw: string): boolean {
    const text = raw.trim();
    if (text === '' || text.length > DATA_LIMITS.textLength) return false;
    if (!this.#send({ type: 'text', text })) return false;
    this.#appendEntry({ kind: 'text', from: 'me', name: this.#myName(), text });
    return true;
  }

  /** Re-encodes the picture in this browser (dropping EXIF/GPS) and sends it in chunks. */
  async sendImage(file: Blob): Promise<void> {
    const peer = this.#peer;
    if (peer === undefined || this.#view.phase !== 'connected' || this.#view.sendingImage) return;
    const generation = this.#chatGeneration;
    this.#update({ sendingImage: true });
    let entryId: number | undefined;
    try {
      let encoded: { bytes: Uint8Array<ArrayBuffer>; mime: ImageType };
      try {
        encoded = await this.#deps.reencodeImage(file);
      } catch {
        this.#system('That file could not be read as a picture.');
        return;
      }
      if (generation !== this.#chatGeneration) return;
      if (encoded.bytes.byteLength > DATA_LIMITS.imageBytes) {
        this.#system('That picture is too large to send, even after shrinking it.');
        return;
      }
      const messages = splitImage(this.#deps.randomId(), encoded.bytes, encoded.mime);
      const url = this.#deps.objectUrls.create(new Blob([encoded.bytes], { type: encoded.mime }));
      entryId = this.#appendEntry({
        kind: 'image',
        from: 'me',
        name: this.#myName(),
        url,
        progress: 0,
        failed: false,
      });
      for (const [index, message] of messages.entries()) {
        while (peer.bufferedAmount > SEND_BUFFER_HIGH_WATER) {
          await this.#sleep(25);
          if (generation !== this.#chatGeneration) return;
        }
        if (generation !== this.#chatGeneration || !peer.send(encodeMessage(message))) {
          this.#patchImage(entryId, { failed: true });
          return;
        }
        this.#patchImage(entryId, { progress: (index + 1) / messages.length });
      }
    } finally {
      if (generation === this.#chatGeneration) this.#update({ sendingImage: false });
    }
  }

  toggleMicrophone(): void {
    const tracks = this.#view.localStream?.getAudioTracks() ?? [];
    if (tracks.length === 0) return;
    const micMuted = !this.#view.micMuted;
    for (const track of tracks) track.enabled = !micMuted;
    this.#update({ micMuted });
  }

  toggleCamera(): void {
    const tracks = this.#view.localStream?.getVideoTracks() ?? [];
    if (tracks.length === 0) return;
    const cameraOff = !this.#view.cameraOff;
    for (const track of tracks) track.enabled = !cameraOff;
    this.#update({ cameraOff });
  }

  /** Switches to another camera or microphone, also mid-chat (no renegotiation needed). */
  async selectDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const stream = this.#view.localStream;
    if (stream === undefined) return;
    const old = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    if (old === undefined || old.getSettings().deviceId === deviceId) return;
    let fresh: MediaStream;
    try {
      fresh = await this.#deps.media.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
    } catch {
      this.#system(
        kind === 'audio'
          ? 'That microphone could not be opened.'
          : 'That camera could not be opened.',
      );
      return;
    }
    const track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    if (track === undefined || this.#view.localStream !== stream) {
      for (const t of fresh.getTracks()) t.stop();
      return;
    }
    track.enabled = old.enabled;
    this.#peer?.replaceTrack(old, track, stream);
    stream.removeTrack(old);
    old.stop();
    stream.addTrack(track);
    this.#update(kind === 'audio' ? { microphoneId: deviceId } : { cameraId: deviceId });
  }

  dispose(): void {
    this.stop();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#listeners.clear();
  }

  /* ------------------------------------------------------- server events */

  #onWelcome(welcome: Welcome): void {
    this.#welcome = welcome;
    this.#update({
      server: 'online',
      relayByDefault: welcome.relayByDefault,
      relayOnly: this.#relayChosen ? this.#view.relayOnly : welcome.relayByDefault,
    });
    // A new connection is a new socket to the server: whatever queue spot we had is gone.
    if (this.#view.phase === 'waiting') {
      this.#queueWanted = 'start';
      this.#flushQueue();
    }
  }

  async #onMatched(matched: Matched): Promise<void> {
    if (this.#view.phase !== 'waiting') return;
    const generation = ++this.#chatGeneration;
    this.#queueWanted = undefined;
    this.#pendingSignals = [];
    this.#update({
      phase: 'connecting',
      partnerNickname: matched.partnerNickname,
      sharedInterests: matched.sharedInterests,
      safetyCode: undefined,
      remoteStream: undefined,
      chatRelayOnly: this.#view.relayOnly,
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
        stream: this.#view.localStream,
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
    peer.on('signal', (signal) => this.#deps.signaling.signal(signal));
    peer.on('connected', () => {
      this.#deps.clock.clearTimeout(this.#connectTimer);
      this.#update({ phase: 'connected' });
      this.#watchRoute(peer, generation);
    });
    peer.on('iceReconnected', () => this.#watchRoute(peer, generation));
    peer.on('stream', (remoteStream) => this.#update({ remoteStream }));
    peer.on('safetyCode', (safetyCode) => this.#update({ safetyCode }));
    peer.on('data', (bytes) => this.#onData(bytes));
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
    for (const signal of pending) peer.signal(signal);
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
    if (this.#peer !== undefined) this.#peer.signal(signal);
    else if (this.#pendingSignals.length < PENDING_SIGNALS_MAX) this.#pendingSignals.push(signal);
  }

  #onPartnerLeft(): void {
    const { phase } = this.#view;
    if (phase === 'connecting' || phase === 'connected' || phase === 'failed') this.#strangerGone();
  }

  /* ------------------------------------------------------- data channel */

  #onData(bytes: Uint8Array): void {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) {
      this.#rejected(decoded.reason);
      return;
    }
    const message: DataMessage = decoded.message;
    if (message.type === 'text') {
      if (!this.#admitStrangerMessage()) return;
      this.#appendEntry({
        kind: 'text',
        from: 'stranger',
        name: this.#strangerName(),
        text: message.text,
      });
      return;
    }
    const event = this.#assembler.accept(message);
    if (event === undefined) return;
    switch (event.kind) {
      case 'started': {
        const entryId = this.#appendEntry({
          kind: 'image',
          from: 'stranger',
          name: this.#strangerName(),
          url: undefined,
          progress: 0,
          failed: false,
        });
        this.#incomingImages.set(event.id, entryId);
        break;
      }
      case 'progress': {
        const entryId = this.#incomingImages.get(event.id);
        if (entryId !== undefined)
          this.#patchImage(entryId, { progress: event.received / event.size });
        break;
      }
      case 'complete': {
        const entryId = this.#incomingImages.get(event.id);
        this.#incomingImages.delete(event.id);
        if (entryId === undefined) break;
        const url = this.#deps.objectUrls.create(new Blob([event.bytes], { type: event.mime }));
        this.#patchImage(entryId, { url, progress: 1 });
        break;
      }
      case 'rejected': {
        const entryId = event.id === undefined ? undefined : this.#incomingImages.get(event.id);
        if (entryId !== undefined) {
          this.#incomingImages.delete(event.id ?? '');
          this.#patchImage(entryId, { failed: true });
        }
        this.#rejected(event.reason);
        break;
      }
    }
  }

  /** Drops a flood of messages instead of letting it take over the log and screen readers. */
  #admitStrangerMessage(): boolean {
    const now = this.#deps.clock.now();
    const window = this.#strangerWindow;
    if (now - window.start >= 1000) {
      window.start = now;
      window.count = 0;
    }
    window.count++;
    if (window.count <= STRANGER_MESSAGES_PER_SECOND) return true;
    if (!window.warned) {
      window.warned = true;
      this.#system('The stranger is sending messages too fast; some were not shown.');
    }
    return false;
  }

  #rejected(reason: string): void {
    console.warn('mayfly: ignored a data channel message from the stranger:', reason);
    if (this.#rejectedWarned) return;
    this.#rejectedWarned = true;
    this.#system(
      reason === 'image-too-large' || reason === 'too-many-images'
        ? 'The stranger tried to send a picture that is too large or one too many; it was refused.'
        : 'Something the stranger’s browser sent was not understood and was ignored.',
    );
  }

  #send(message: DataMessage): boolean {
    if (this.#view.phase !== 'connected' || this.#peer === undefined) return false;
    return this.#peer.send(encodeMessage(message));
  }

  /* ---------------------------------------------------------- internals */

  #queue(kind: 'start' | 'next'): void {
    // A Next that was never sent is a Start for the server, which knows no partner of ours.
    this.#queueWanted = kind === 'next' && this.#queueWanted === 'start' ? 'start' : kind;
    this.#flushQueue();
  }

  #flushQueue(): void {
    const wanted = this.#queueWanted;
    const { signaling } = this.#deps;
    if (wanted === undefined || this.#queueInFlight) return;
    if (signaling.status !== 'online' || this.#welcome === undefined) return; // on welcome
    this.#queueInFlight = true;
    this.#queueWanted = undefined;
    void this.#sendQueueRequest(wanted).finally(() => {
      this.#queueInFlight = false;
      this.#flushQueue();
    });
  }

  async #sendQueueRequest(kind: 'start' | 'next'): Promise<void> {
    const { signaling } = this.#deps;
    let result: RequestResult;
    if (kind === 'next' && this.#requestChanged) {
      // "Hide my IP address" changed: the server must hear the new request in full.
      await signaling.stop();
      kind = 'start';
    }
    if (kind === 'start') {
      this.#requestChanged = false;
      result = await signaling.start(this.#request);
      if (!result.ok && result.code === 'invalid_state') {
        // The server still has us queued or paired (e.g. a lost acknowledgement).
        await signaling.stop();
        result = await signaling.start(this.#request);
      }
    } else {
      result = await signaling.next();
      if (!result.ok && result.code === 'invalid_state')
        result = await signaling.start(this.#request);
    }
    if (result.ok || this.#view.phase !== 'waiting') return;
    switch (result.code) {
      case 'unreachable':
      case 'shutting_down':
        // Try again once the server greets us again.
        this.#queueWanted = 'start';
        return;
      case 'rate_limited':
        await this.#sleep(2000);
        if (this.#view.phase === 'waiting') this.#queueWanted ??= kind;
        return;
      default:
        this.#releaseMedia();
        this.#update({
          phase: 'idle',
          problem: { kind: 'start-refused', code: result.code },
          textOnly: false,
          mediaProblem: undefined,
        });
    }
  }

  async #acquireMedia(): Promise<void> {
    if (this.#view.localStream !== undefined) return;
    const { media } = this.#deps;
    if (!media.available) {
      this.#update({ textOnly: true, mediaProblem: 'unsupported' });
      return;
    }
    let stream: MediaStream | undefined;
    let problem: MediaProblem | undefined;
    try {
      stream = await media.getUserMedia({
        audio: true,
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      problem = mediaProblemOf(error);
      if (problem !== 'permission-denied') {
        // One of the two may still work: a laptop without a camera can still talk.
        for (const constraints of [{ audio: true }, { video: true }]) {
          try {
            stream = await media.getUserMedia(constraints);
            problem = undefined;
            break;
          } catch {
            continue;
          }
        }
      }
    }
    if (this.#view.phase !== 'requesting-media') {
      for (const track of stream?.getTracks() ?? []) track.stop();
      return;
    }
    if (stream === undefined) {
      this.#update({ textOnly: true, mediaProblem: problem ?? 'no-devices' });
      return;
    }
    this.#update({
      localStream: stream,
      textOnly: false,
      mediaProblem: undefined,
      micMuted: false,
      cameraOff: false,
      cameraId: stream.getVideoTracks()[0]?.getSettings().deviceId,
      microphoneId: stream.getAudioTracks()[0]?.getSettings().deviceId,
    });
    await this.#refreshDevices();
  }

  async #refreshDevices(): Promise<void> {
    let devices: MediaDeviceInfo[];
    try {
      devices = await this.#deps.media.enumerateDevices();
    } catch (error) {
      console.warn('mayfly: could not list devices', error);
      return;
    }
    const options = (kind: MediaDeviceKind, fallback: string): DeviceOption[] =>
      devices
        .filter((device) => device.kind === kind && device.deviceId !== '')
        .map((device, index) => ({
          id: device.deviceId,
          label: device.label || `${fallback} ${index + 1}`,
        }));
    this.#update({
      cameras: options('videoinput', 'Camera'),
      microphones: options('audioinput', 'Microphone'),
    });
  }

  #releaseMedia(): void {
    for (const track of this.#view.localStream?.getTracks() ?? []) track.stop();
    this.#update({
      localStream: undefined,
      cameras: [],
      microphones: [],
      cameraId: undefined,
      microphoneId: undefined,
    });
  }

  #fail(reason: PeerError['kind'] | 'timeout'): void {
    this.#leaveChat();
    this.#update({ phase: 'failed', problem: { kind: 'peer-failed', reason } });
  }

  #strangerGone(): void {
    this.#leaveChat();
    this.#update({ phase: 'partner-left' });
    this.#system('Stranger left.');
  }

  /** Closes the connection to the current stranger; the log stays until the next chat. */
  #leaveChat(): void {
    this.#chatGeneration++;
    this.#deps.clock.clearTimeout(this.#connectTimer);
    this.#stopWatchingRoute();
    this.#peer?.destroy();
    this.#peer = undefined;
    this.#pendingSignals = [];
    this.#update({ remoteStream: undefined, sendingImage: false, route: undefined });
  }

  /** Empties the log and frees every picture held in memory. */
  #clearChat(): void {
    for (const entry of this.#view.chat) {
      if (entry.kind === 'image' && entry.url !== undefined)
        this.#deps.objectUrls.revoke(entry.url);
    }
    this.#assembler = new ImageAssembler();
    this.#incomingImages.clear();
    this.#strangerWindow = { start: 0, count: 0, warned: false };
    this.#rejectedWarned = false;
    this.#update({
      chat: [],
      partnerNickname: undefined,
      sharedInterests: [],
      safetyCode: undefined,
    });
  }

  #appendEntry(entry: DistributiveOmit<ChatEntry, 'id'>): number {
    const id = this.#nextEntryId++;
    let chat: ChatEntry[] = [...this.#view.chat, { ...entry, id }];
    if (chat.length > CHAT_HISTORY) {
      for (const dropped of chat.slice(0, chat.length - CHAT_HISTORY)) {
        if (dropped.kind === 'image' && dropped.url !== undefined)
          this.#deps.objectUrls.revoke(dropped.url);
      }
      chat = chat.slice(-CHAT_HISTORY);
    }
    this.#update({ chat });
    return id;
  }

  #patchImage(
    entryId: number,
    patch: Partial<{ url: string; progress: number; failed: boolean }>,
  ): void {
    this.#update({
      chat: this.#view.chat.map((entry) =>
        entry.id === entryId && entry.kind === 'image' ? { ...entry, ...patch } : entry,
      ),
    });
  }

  #system(text: string): void {
    this.#appendEntry({ kind: 'text', from: 'system', name: 'Mayfly', text });
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
    for (const listener of this.#listeners) listener(this.#view);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function mediaProblemOf(error: unknown): MediaProblem {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'permission-denied';
    case 'NotReadableError':
    case 'AbortError':
      return 'device-busy';
    default:
      return 'no-devices';
  }
}
