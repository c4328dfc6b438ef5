import type { ReportReason, Signal, StartRequest, Welcome } from '@mayfly/protocol';
import type { PeerEvents, PeerOptions, RouteType } from '../src/lib/peer/peer-connection';
import type { ObjectUrls } from '../src/lib/chat/chat-log';
import type { Clock } from '../src/lib/clock';
import type { MediaPort } from '../src/lib/session/local-media';
import type { PeerLike } from '../src/lib/chat/chat-connection';
import type {
  RequestResult,
  ResumeResult,
  ServerStatus,
  SignalingEvents,
  SignalingPort,
} from '../src/lib/signaling/signaling-client';
import { TypedEmitter } from '../src/lib/typed-emitter';

export const WELCOME: Welcome = {
  protocolVersion: 1,
  iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
  relayByDefault: false,
  safeStartByDefault: true,
};

/** Signaling as the controller sees it; records what was sent and answers with `nextAck`. */
export class FakeSignaling implements SignalingPort {
  readonly events = new TypedEmitter<SignalingEvents>();
  status: ServerStatus = 'connecting';
  readonly sent: {
    event: 'start' | 'next' | 'stop' | 'report' | 'block';
    request?: StartRequest;
    reason?: ReportReason;
  }[] = [];
  readonly signals: Signal[] = [];
  acks: RequestResult[] = [];
  /** How often the controller asked to try the server at once. */
  reconnectsNow = 0;

  on<E extends keyof SignalingEvents>(event: E, listener: SignalingEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  welcome(welcome: Welcome = WELCOME): void {
    this.status = 'online';
    this.events.emit('status', 'online');
    this.events.emit('welcome', welcome);
  }

  goOffline(): void {
    this.status = 'offline';
    this.events.emit('status', 'offline');
  }

  #answer(): Promise<RequestResult> {
    return Promise.resolve(this.acks.shift() ?? { ok: true });
  }

  start(request: StartRequest): Promise<RequestResult> {
    this.sent.push({ event: 'start', request });
    return this.#answer();
  }

  next(): Promise<RequestResult> {
    this.sent.push({ event: 'next' });
    return this.#answer();
  }

  stop(): Promise<RequestResult> {
    this.sent.push({ event: 'stop' });
    return this.#answer();
  }

  report(reason: ReportReason): Promise<RequestResult> {
    this.sent.push({ event: 'report', reason });
    return this.#answer();
  }

  block(): Promise<RequestResult> {
    this.sent.push({ event: 'block' });
    return this.#answer();
  }

  signal(signal: Signal): void {
    this.signals.push(signal);
  }

  reconnectNow(): void {
    this.reconnectsNow++;
  }

  /** Resume tokens sent; answered with `resumeAcks` in order (ok, partner present, by default). */
  readonly resumed: string[] = [];
  resumeAcks: ResumeResult[] = [];
  resume(resumeToken: string): Promise<ResumeResult> {
    this.resumed.push(resumeToken);
    const token = `${'a'.repeat(32)}.${'c'.repeat(32)}`;
    return Promise.resolve(
      this.resumeAcks.shift() ?? { ok: true, resumeToken: token, partnerPresent: true },
    );
  }
}

export class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId = `${kind}-1`,
    readonly facingMode?: 'user' | 'environment',
  ) {}
  stop(): void {
    this.stopped = true;
  }
  getSettings(): { deviceId: string; facingMode?: string } {
    return this.facingMode === undefined
      ? { deviceId: this.deviceId }
      : { deviceId: this.deviceId, facingMode: this.facingMode };
  }
}

export class FakeStream {
  readonly tracks: FakeTrack[];
  constructor(...tracks: FakeTrack[]) {
    this.tracks = tracks;
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
  removeTrack(track: FakeTrack): void {
    this.tracks.splice(this.tracks.indexOf(track), 1);
  }
}

export function fakeMedia(
  result: (constraints: MediaStreamConstraints) => Promise<FakeStream>,
): MediaPort & { calls: number } {
  const media = {
    available: true,
    calls: 0,
    getUserMedia: (constraints: MediaStreamConstraints) => {
      media.calls++;
      return result(constraints) as unknown as Promise<MediaStream>;
    },
    enumerateDevices: () =>
      Promise.resolve([
        { kind: 'videoinput', deviceId: 'video-1', label: 'Front camera' },
        { kind: 'videoinput', deviceId: 'video-2', label: '' },
        { kind: 'audioinput', deviceId: 'audio-1', label: 'Mic' },
      ] as MediaDeviceInfo[]),
  };
  return media;
}

/** Object URLs as `blob:test/1`, `blob:test/2`…, recording which were made and freed. */
export function fakeObjectUrls(): ObjectUrls & { created: string[]; revoked: string[] } {
  let next = 1;
  const urls = {
    created: [] as string[],
    revoked: [] as string[],
    create: (): string => {
      const url = `blob:test/${next++}`;
      urls.created.push(url);
      return url;
    },
    revoke: (url: string): void => {
      urls.revoked.push(url);
    },
  };
  return urls;
}

export function mediaError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

/** A peer connection the test drives by hand. */
const HEARTBEAT = '{"type":"hb"}';

export class FakePeer implements PeerLike {
  readonly events = new TypedEmitter<PeerEvents>();
  readonly received: Signal[] = [];
  readonly sent: string[] = [];
  connected = false;
  destroyed = false;
  bufferedAmount = 0;
  /** What `routeType()` answers; `routeReads` counts the calls. */
  route: RouteType | undefined = undefined;
  routeReads = 0;

  constructor(readonly options: PeerOptions) {}

  on<E extends keyof PeerEvents>(event: E, listener: PeerEvents[E]): () => void {
    return this.events.on(event, listener);
  }
  signal(signal: Signal): void {
    this.received.push(signal);
  }
  /** Heartbeats sent, counted apart from `sent` (one every HEARTBEAT_MS while open). */
  heartbeats = 0;
  /**
   * Whether the stranger's heartbeats come through: each of ours crosses one of theirs. False:
   * the line is silent, as in a network break.
   */
  strangerAlive = true;
  send(text: string): boolean {
    if (!this.connected) return false;
    if (text !== HEARTBEAT) {
      this.sent.push(text);
      return true;
    }
    this.heartbeats++;
    if (this.strangerAlive) this.events.emit('data', new TextEncoder().encode(HEARTBEAT));
    return true;
  }
  /** Tracks swapped by `replaceTrack`, old and new. */
  readonly replaced: [unknown, unknown][] = [];
  replaceTrack(old: unknown, fresh: unknown): void {
    this.replaced.push([old, fresh]);
  }
  /** Like PeerConnection's: no event follows. */
  destroy(): void {
    this.destroyed = true;
    this.events.removeAllListeners();
  }
  /** ICE restarts asked for, with the ICE servers given. */
  readonly restarts: (readonly unknown[])[] = [];
  /** For each restart, whether it took back our unanswered offer first. */
  readonly takeBacks: boolean[] = [];
  restartIce(iceServers: readonly unknown[], options?: { takeBackOffer?: boolean }): void {
    this.restarts.push(iceServers);
    this.takeBacks.push(options?.takeBackOffer ?? false);
  }
  routeType(): Promise<RouteType | undefined> {
    this.routeReads++;
    return Promise.resolve(this.route);
  }
  open(): void {
    this.connected = true;
    this.events.emit('connected');
  }
  receive(message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.events.emit('data', new TextEncoder().encode(text));
  }
}

/** A clock whose timers run only when the test advances it. */
export class ManualClock implements Clock {
  #now = 1_000_000;
  #timers: { at: number; callback: () => void; id: number }[] = [];
  #nextId = 1;

  now(): number {
    return this.#now;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.push({ at: this.#now + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.callback();
      await flush();
    }
    this.#now = until;
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
