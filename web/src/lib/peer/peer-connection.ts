/**
 * The only module that deals with WebRTC. It wraps @thaunknown/simple-peer and exposes typed
 * events; the rest of the client never sees an RTCPeerConnection.
 */
import type { IceServer, Signal } from '@mayfly/protocol';
import { TypedEmitter } from '../typed-emitter';
import { deriveSafetyCode } from './safety-code';
import type { RestartOptions } from './restartable-peer';

/** The options of simple-peer this module uses. */
export interface SimplePeerOptions {
  initiator: boolean;
  config: RTCConfiguration;
  streams: MediaStream[];
  trickle: boolean;
  offerOptions: RTCOfferOptions & { offerToReceiveAudio?: boolean; offerToReceiveVideo?: boolean };
}

/** The surface of a simple-peer instance this module uses. */
export interface SimplePeerInstance {
  on(event: 'signal' | 'data' | 'error', listener: (value: unknown) => void): void;
  on(event: 'connect' | 'close', listener: () => void): void;
  on(event: 'stream', listener: (stream: MediaStream) => void): void;
  on(
    event: 'iceStateChange',
    listener: (iceConnectionState: string, iceGatheringState: string) => void,
  ): void;
  signal(data: Signal): void;
  send(data: string): void;
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void;
  destroy(): void;
  /** The connection's stats as a list of flattened reports (simple-peer's callback style). */
  getStats(callback: (error: Error | null, reports: unknown[]) => void): void;
  readonly bufferedAmount: number;
  /** Restarts ICE with these servers (restartable-peer.ts); absent from plain simple-peer. */
  restartIce?(iceServers: readonly IceServer[], options?: RestartOptions): void;
}

export type SimplePeerConstructor = new (options: SimplePeerOptions) => SimplePeerInstance;

export interface PeerOptions {
  initiator: boolean;
  iceServers: readonly IceServer[];
  /** Gather relay (TURN) candidates only, so the stranger never learns our IP address. */
  relayOnly: boolean;
  /** Our camera and microphone; absent in text-only mode. */
  stream?: MediaStream | undefined;
}

export type PeerErrorKind = 'connection-failed' | 'negotiation-failed' | 'unsupported' | 'other';

export interface PeerError {
  kind: PeerErrorKind;
  /** simple-peer's error code, for the console; never shown as is. */
  code: string;
}

export interface PeerEvents {
  /** A signal to relay to the stranger through the server. */
  signal: (signal: Signal) => void;
  /** The data channel is open. */
  connected: () => void;
  /** The stranger's camera and microphone. */
  stream: (stream: MediaStream) => void;
  /** One data channel message, as received: untrusted, not yet decoded. */
  data: (bytes: Uint8Array) => void;
  /** Derived from both DTLS fingerprints once both descriptions are known. */
  safetyCode: (code: string) => void;
  /**
   * ICE is connected again after it had dropped (a network change, an ICE restart): media may
   * now take another route, so read `routeType()` again.
   */
  iceReconnected: () => void;
  /**
   * ICE lost its connection (`disconnected`, which may heal by itself, or `failed`, which needs
   * a restart) after having had one.
   */
  iceInterrupted: (state: 'disconnected' | 'failed') => void;
  /** The connection ended (either side). Emitted once, after `error` if there was one. */
  closed: () => void;
  error: (error: PeerError) => void;
}

/** Whether media goes through a TURN relay (ours or the stranger's) or straight between browsers. */
export type RouteType = 'relayed' | 'direct';

/** The fields of the WebRTC stats this module reads; every one may be missing. */
interface RouteStats {
  id?: unknown;
  type?: unknown;
  selectedCandidatePairId?: unknown;
  localCandidateId?: unknown;
  remoteCandidateId?: unknown;
  state?: unknown;
  selected?: unknown;
  nominated?: unknown;
  candidateType?: unknown;
}

const ERROR_KINDS: Readonly<Record<string, PeerErrorKind>> = {
  ERR_ICE_CONNECTION_FAILURE: 'connection-failed',
  ERR_CONNECTION_FAILURE: 'connection-failed',
  ERR_DATA_CHANNEL: 'connection-failed',
  ERR_SET_REMOTE_DESCRIPTION: 'negotiation-failed',
  ERR_CREATE_OFFER: 'negotiation-failed',
  ERR_CREATE_ANSWER: 'negotiation-failed',
  ERR_ADD_ICE_CANDIDATE: 'negotiation-failed',
  ERR_SIGNALING: 'negotiation-failed',
  ERR_WEBRTC_SUPPORT: 'unsupported',
  ERR_PC_CONSTRUCTOR: 'unsupported',
};

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_UNKNOWN';
}

/** Turns simple-peer's signal objects into protocol signals; drops what the protocol lacks. */
export function toProtocolSignal(data: unknown): Signal | undefined {
  const value = data as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null) return undefined;
  if ((value.type === 'offer' || value.type === 'answer') && typeof value.sdp === 'string') {
    return { type: value.type, sdp: value.sdp };
  }
  if (
    value.type === 'candidate' &&
    typeof value.candidate === 'object' &&
    value.candidate !== null
  ) {
    const candidate = value.candidate as Record<string, unknown>;
    if (typeof candidate.candidate !== 'string') return undefined;
    return {
      type: 'candidate',
      candidate: {
        candidate: candidate.candidate,
        sdpMid: typeof candidate.sdpMid === 'string' ? candidate.sdpMid : null,
        sdpMLineIndex: typeof candidate.sdpMLineIndex === 'number' ? candidate.sdpMLineIndex : null,
      },
    };
  }
  if (value.type === 'renegotiate') return { type: 'renegotiate', renegotiate: true };
  // 'transceiverRequest' is not part of the protocol; offerToReceive* makes it unnecessary.
  return undefined;
}

/**
 * Reads the route media takes from a stats report: the transport's selected candidate pair
 * (or, where browsers lack `selectedCandidatePairId`, the selected or nominated pair that
 * succeeded), then its two candidates. A relay on either end means media goes through a TURN
 * server, so neither browser sees the other's address. `undefined` while no pair is chosen.
 */
export function routeFromStats(reports: Iterable<unknown>): RouteType | undefined {
  const byId = new Map<string, RouteStats>();
  const pairs: RouteStats[] = [];
  const transports: RouteStats[] = [];
  for (const report of reports) {
    if (typeof report !== 'object' || report === null) continue;
    const stats = report as RouteStats;
    if (typeof stats.id === 'string') byId.set(stats.id, stats);
    if (stats.type === 'candidate-pair') pairs.push(stats);
    else if (stats.type === 'transport') transports.push(stats);
  }
  const selectedIds = transports
    .map((transport) => transport.selectedCandidatePairId)
    .filter((id): id is string => typeof id === 'string');
  const pair =
    selectedIds.map((id) => byId.get(id)).find((stats) => stats?.type === 'candidate-pair') ??
    pairs.find((stats) => stats.state === 'succeeded' && stats.selected === true) ??
    pairs.find((stats) => stats.state === 'succeeded' && stats.nominated === true);
  if (pair === undefined) return undefined;
  const candidateType = (id: unknown): unknown =>
    typeof id === 'string' ? byId.get(id)?.candidateType : undefined;
  const local = candidateType(pair.localCandidateId);
  const remote = candidateType(pair.remoteCandidateId);
  if (local === 'relay' || remote === 'relay') return 'relayed';
  return typeof local === 'string' && typeof remote === 'string' ? 'direct' : undefined;
}

export class PeerConnection {
  readonly #peer: SimplePeerInstance;
  readonly #events = new TypedEmitter<PeerEvents>();
  #localSdp: string | undefined;
  #remoteSdp: string | undefined;
  #safetyCode: string | undefined;
  #connected = false;
  #ended = false;
  /** ICE is connected or completed right now. */
  #iceUp = false;

  constructor(SimplePeer: SimplePeerConstructor, options: PeerOptions) {
    this.#peer = new SimplePeer({
      initiator: options.initiator,
      config: {
        iceServers: options.iceServers.map((server) => ({ ...server })),
        iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
      },
      streams: options.stream === undefined ? [] : [options.stream],
      trickle: true,
      // Ask for the stranger's media even when we send none (text-only mode), so that the
      // answering side never needs to request transceivers of its own.
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    this.#peer.on('signal', (data) => {
      if (this.#ended) return;
      const signal = toProtocolSignal(data);
      if (signal === undefined) return;
      if (signal.type === 'offer' || signal.type === 'answer') {
        this.#localSdp ??= signal.sdp;
        this.#maybeDeriveSafetyCode();
      }
      this.#events.emit('signal', signal);
    });
    this.#peer.on('connect', () => {
      if (this.#ended || this.#connected) return;
      this.#connected = true;
      this.#events.emit('connected');
    });
    this.#peer.on('iceStateChange', (iceConnectionState) => {
      if (this.#ended) return;
      const up = iceConnectionState === 'connected' || iceConnectionState === 'completed';
      const cameBack = up && !this.#iceUp && this.#connected;
      const wasUp = this.#iceUp;
      this.#iceUp = up;
      if (cameBack) this.#events.emit('iceReconnected');
      if (
        this.#connected &&
        (iceConnectionState === 'failed' || (wasUp && iceConnectionState === 'disconnected'))
      ) {
        this.#events.emit('iceInterrupted', iceConnectionState);
      }
    });
    this.#peer.on('stream', (stream) => {
      if (!this.#ended) this.#events.emit('stream', stream);
    });
    this.#peer.on('data', (data) => {
      if (this.#ended) return;
      // simple-peer delivers Uint8Array; anything else is a bug upstream, not a message.
      if (data instanceof Uint8Array) this.#events.emit('data', data);
    });
    this.#peer.on('error', (error) => {
      if (this.#ended) return;
      const code = errorCodeOf(error);
      this.#events.emit('error', { kind: ERROR_KINDS[code] ?? 'other', code });
    });
    this.#peer.on('close', () => {
      if (this.#ended) return;
      this.#ended = true;
      this.#events.emit('closed');
      this.#events.removeAllListeners();
    });
  }

  on<E extends keyof PeerEvents>(event: E, listener: PeerEvents[E]): () => void {
    return this.#events.on(event, listener);
  }

  get connected(): boolean {
    return this.#connected && !this.#ended;
  }

  get safetyCode(): string | undefined {
    return this.#safetyCode;
  }

  /** Bytes queued on the data channel, for pacing large transfers. */
  get bufferedAmount(): number {
    return this.#ended ? 0 : this.#peer.bufferedAmount;
  }

  /** Feeds a signal from the stranger (relayed by the server) into the connection. */
  signal(signal: Signal): void {
    if (this.#ended) return;
    if (signal.type === 'offer' || signal.type === 'answer') {
      this.#remoteSdp ??= signal.sdp;
      this.#maybeDeriveSafetyCode();
    }
    this.#peer.signal(signal);
  }

  /** Sends one data channel message. Returns false when the channel is not open. */
  send(text: string): boolean {
    if (!this.connected) return false;
    this.#peer.send(text);
    return true;
  }

  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void {
    if (!this.#ended) this.#peer.replaceTrack(oldTrack, newTrack, stream);
  }

  /**
   * Restarts ICE after a network change (the initiator makes a new offer; the other side asks
   * it to), with fresh ICE servers when given; `takeBackOffer` rolls back an offer of ours that
   * can no longer be answered first. Same connection, same DTLS: same safety code.
   */
  restartIce(iceServers: readonly IceServer[], options?: RestartOptions): void {
    if (!this.#ended) this.#peer.restartIce?.(iceServers, options);
  }

  /**
   * Whether media currently goes through a relay, from the connection's stats; `undefined` when
   * that is not known (yet), or after the connection ended.
   */
  routeType(): Promise<RouteType | undefined> {
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#peer.getStats((error, reports) => {
        if (error !== null) {
          console.warn('mayfly: could not read the connection stats', error);
          resolve(undefined);
          return;
        }
        resolve(this.#ended ? undefined : routeFromStats(reports));
      });
    });
  }

  /** Closes the connection. No events are emitted afterwards, not even `closed`. */
  destroy(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#events.removeAllListeners();
    this.#peer.destroy();
  }

  #maybeDeriveSafetyCode(): void {
    const local = this.#localSdp;
    const remote = this.#remoteSdp;
    if (local === undefined || remote === undefined || this.#safetyCode !== undefined) return;
    deriveSafetyCode(local, remote).then(
      (code) => {
        if (code === undefined || this.#ended || this.#safetyCode !== undefined) return;
        this.#safetyCode = code;
        this.#events.emit('safetyCode', code);
      },
      (error: unknown) => {
        console.error('mayfly: safety code derivation failed', error);
      },
    );
  }
}
