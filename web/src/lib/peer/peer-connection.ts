/**
 * The only module that deals with WebRTC. It wraps @thaunknown/simple-peer and exposes typed
 * events; the rest of the client never sees an RTCPeerConnection.
 *
 * One PeerConnection lasts a whole chat, even when the RTCPeerConnection under it does not. A
 * network change is normally healed by an ICE restart on the same connection. But a connection
 * whose DTLS transport failed cannot be restarted: Firefox fails it for good within 0.2 s of its
 * own network interface going down. Such a connection is **rebuilt**: at the next restart a new
 * simple-peer (a new RTCPeerConnection, with the same DTLS certificate, the same role, camera and
 * settings) takes its place, and a `rebuild` signal asks the stranger's side to do the same.
 * Every signal sent after `rebuild` belongs to the new connection, so the stranger's signals
 * that are still meant for the old one (sent before their side heard ours) are dropped: the
 * chat's generation (0 for the first connection) says which is which. With the same certificate
 * on both sides the fingerprints, and so the safety code, stay the same; without them (a browser
 * that cannot generate one) the code is derived again and a new one reported. Messages sent
 * while the connection is being rebuilt wait (OUTBOX_MAX_BYTES at most) and leave, in order, once
 * the new data channel is open.
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
  on(event: 'connect' | 'close' | typeof TRANSPORT_FAILED_EVENT, listener: () => void): void;
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

/**
 * What RestartablePeer emits when the connection's DTLS transport (or its data channel) failed
 * after it had been open: no ICE restart can revive it, only a new connection.
 */
export const TRANSPORT_FAILED_EVENT = 'transportFailed';

export type SimplePeerConstructor = new (options: SimplePeerOptions) => SimplePeerInstance;

export interface PeerOptions {
  initiator: boolean;
  iceServers: readonly IceServer[];
  /** Gather relay (TURN) candidates only, so the stranger never learns our IP address. */
  relayOnly: boolean;
  /** Our camera and microphone; absent in text-only mode. */
  stream?: MediaStream | undefined;
  /**
   * The DTLS certificate, one per chat: a rebuilt connection uses it again, so the safety code
   * stays the same. Without it the browser makes one per RTCPeerConnection.
   */
  certificate?: RTCCertificate | undefined;
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
  /** Derived from both DTLS fingerprints once the connection (each rebuilt one too) is open. */
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
  // 'rebuild' is ours: PeerConnection sends it itself, simple-peer never does.
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

/** Messages kept for a connection being rebuilt, at most (a picture's first chunks fit). */
export const OUTBOX_MAX_BYTES = 1024 * 1024;

export class PeerConnection {
  readonly #SimplePeer: SimplePeerConstructor;
  readonly #options: PeerOptions;
  #peer: SimplePeerInstance;
  readonly #events = new TypedEmitter<PeerEvents>();
  #localSdp: string | undefined;
  #remoteSdp: string | undefined;
  #safetyCode: string | undefined;
  /** The code is derived from the first descriptions of each connection (each generation). */
  #codeNeeded = true;
  #connected = false;
  #ended = false;
  /** ICE is connected or completed right now. */
  #iceUp = false;
  /** Which connection of this chat ours is (see the top of this file). */
  #generation = 0;
  /** Which connection of this chat the stranger's signals now belong to. */
  #strangerGeneration = 0;
  /** The current connection's data channel is open. */
  #channelOpen = false;
  /** The current connection's DTLS failed: only a rebuild brings it back. */
  #transportFailed = false;
  /** Messages waiting for a rebuilt connection's data channel. */
  #outbox: string[] = [];
  #outboxBytes = 0;
  /** The latest ICE servers (TURN credentials expire): a rebuilt connection uses them. */
  #iceServers: readonly IceServer[];
  /**
   * The stranger's candidates that came while we had not answered their latest offer yet (the
   * answering side only; `undefined` while nothing is held back). simple-peer would add them
   * before making the answer, and in Chrome each addIceCandidate takes the main thread for a
   * moment (about 5 ms at 4x CPU): they wait until our answer has left, which ICE needs before
   * any check anyway.
   */
  #heldCandidates: Signal[] | undefined;

  constructor(SimplePeer: SimplePeerConstructor, options: PeerOptions) {
    this.#SimplePeer = SimplePeer;
    this.#options = options;
    this.#iceServers = options.iceServers;
    this.#heldCandidates = options.initiator ? undefined : [];
    this.#peer = this.#createPeer();
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

  /** Which connection of this chat is in use: 0, then one more at each rebuild. */
  get generation(): number {
    return this.#generation;
  }

  /** Bytes queued on the data channel (or waiting for a rebuilt one), for pacing. */
  get bufferedAmount(): number {
    if (this.#ended) return 0;
    return this.#channelOpen ? this.#peer.bufferedAmount : this.#outboxBytes;
  }

  /** Feeds a signal from the stranger (relayed by the server) into the connection. */
  signal(signal: Signal): void {
    if (this.#ended) return;
    if (signal.type === 'rebuild') {
      this.#strangerRebuilt(signal.generation);
      return;
    }
    // Meant for a connection of ours the stranger has not yet heard we replaced.
    if (this.#strangerGeneration !== this.#generation) return;
    // Only the answering side answers: an offer sent to the initiator holds nothing back.
    if (signal.type === 'offer' && !this.#options.initiator) this.#heldCandidates ??= [];
    if (signal.type === 'candidate' && this.#heldCandidates !== undefined) {
      this.#heldCandidates.push(signal);
      return;
    }
    this.#peer.signal(signal);
    if (signal.type === 'offer' || signal.type === 'answer') this.#remoteSdp ??= signal.sdp;
  }

  /**
   * Sends one data channel message. Returns false when the chat's connection never opened, has
   * ended, is being rebuilt with OUTBOX_MAX_BYTES already waiting, or the channel refused it.
   */
  send(text: string): boolean {
    if (!this.connected) return false;
    if (this.#channelOpen) {
      try {
        this.#peer.send(text);
        return true;
      } catch (error) {
        // The channel closed under us, before its close event came: not sent.
        console.warn('mayfly: the data channel refused a message', error);
        return false;
      }
    }
    if (this.#outboxBytes + text.length > OUTBOX_MAX_BYTES) return false;
    this.#outbox.push(text);
    this.#outboxBytes += text.length;
    return true;
  }

  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void {
    if (this.#ended) return;
    try {
      this.#peer.replaceTrack(oldTrack, newTrack, stream);
    } catch (error) {
      // A rebuilt connection was made with the stream as it is now: it sends the new track.
      if (this.#generation === 0) throw error;
      console.warn('mayfly: the track is already the new one', error);
    }
  }

  /**
   * Restarts ICE after a network change (the initiator makes a new offer; the other side asks
   * it to), with fresh ICE servers when given; `takeBackOffer` rolls back an offer of ours that
   * can no longer be answered first. Same connection, same DTLS: same safety code. A connection
   * that cannot be restarted (its DTLS failed, or it is a rebuilt one that never opened) is
   * rebuilt instead.
   */
  restartIce(iceServers: readonly IceServer[], options?: RestartOptions): void {
    if (this.#ended) return;
    if (iceServers.length > 0) this.#iceServers = iceServers;
    const rebuiltNeverOpened = this.#generation > 0 && !this.#channelOpen;
    if (this.#transportFailed || rebuiltNeverOpened) {
      this.#rebuild(this.#generation + 1);
      return;
    }
    this.#peer.restartIce?.(iceServers, options);
  }

  /**
   * Whether media currently goes through a relay, from the connection's stats; `undefined` when
   * that is not known (yet), or after the connection ended.
   */
  routeType(): Promise<RouteType | undefined> {
    if (this.#ended) return Promise.resolve(undefined);
    const peer = this.#peer;
    return new Promise((resolve) => {
      peer.getStats((error, reports) => {
        if (error !== null) {
          console.warn('mayfly: could not read the connection stats', error);
          resolve(undefined);
          return;
        }
        resolve(this.#ended || peer !== this.#peer ? undefined : routeFromStats(reports));
      });
    });
  }

  /** Closes the connection. No events are emitted afterwards, not even `closed`. */
  destroy(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#outbox = [];
    this.#events.removeAllListeners();
    this.#peer.destroy();
  }

  /** The stranger replaced their connection: ours follows, unless it already has. */
  #strangerRebuilt(generation: number): void {
    if (generation < this.#generation) return; // crossed a later rebuild of ours
    // Ours follows: our `rebuild` tells the stranger where our signals for it begin.
    if (generation > this.#generation) this.#rebuild(generation);
    this.#strangerGeneration = generation;
  }

  /**
   * Replaces the connection with a new one of this generation (see the top of this file), and
   * tells the stranger before any signal of the new one leaves.
   */
  #rebuild(generation: number): void {
    const old = this.#peer;
    this.#generation = generation;
    this.#events.emit('signal', { type: 'rebuild', generation });
    this.#transportFailed = false;
    this.#channelOpen = false;
    this.#iceUp = false;
    this.#localSdp = undefined;
    this.#remoteSdp = undefined;
    this.#codeNeeded = true;
    // The stranger's candidates for the old connection mean nothing to the new one.
    this.#heldCandidates = this.#options.initiator ? undefined : [];
    this.#peer = this.#createPeer();
    old.destroy();
  }

  /** Our answer has left: the stranger's candidates that waited for it go in now, in order. */
  #addHeldCandidates(): void {
    const held = this.#heldCandidates ?? [];
    this.#heldCandidates = undefined;
    for (const candidate of held) this.#peer.signal(candidate);
  }

  #createPeer(): SimplePeerInstance {
    const { initiator, relayOnly, stream, certificate } = this.#options;
    const config: RTCConfiguration = {
      iceServers: this.#iceServers.map((server) => ({ ...server })),
      iceTransportPolicy: relayOnly ? 'relay' : 'all',
    };
    if (certificate !== undefined) config.certificates = [certificate];
    const peer = new this.#SimplePeer({
      initiator,
      config,
      // The stream as it is now: a camera switched since the chat began is the one sent.
      streams: stream === undefined ? [] : [stream],
      trickle: true,
      // Ask for the stranger's media even when we send none (text-only mode), so that the
      // answering side never needs to request transceivers of its own.
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    this.#listen(peer);
    return peer;
  }

  /** Passes the events of `peer` on while it is the current connection. */
  #listen(peer: SimplePeerInstance): void {
    const current = (): boolean => peer === this.#peer && !this.#ended;
    peer.on('signal', (data) => {
      if (!current()) return;
      const signal = toProtocolSignal(data);
      if (signal === undefined) return;
      // The description leaves first: the stranger waits for it, not for the held candidates.
      this.#events.emit('signal', signal);
      if (!current()) return;
      if (signal.type === 'answer') this.#addHeldCandidates();
      if (signal.type === 'offer' || signal.type === 'answer') this.#localSdp ??= signal.sdp;
    });
    peer.on('connect', () => {
      if (!current() || this.#channelOpen) return;
      this.#channelOpen = true;
      // The code is shown from here on; derived earlier, it delayed our first candidate.
      this.#maybeDeriveSafetyCode();
      if (!this.#connected) {
        this.#connected = true;
        this.#events.emit('connected');
        return;
      }
      // A rebuilt connection: what waited leaves first.
      const waiting = this.#outbox;
      this.#outbox = [];
      this.#outboxBytes = 0;
      for (const text of waiting) peer.send(text);
    });
    peer.on(TRANSPORT_FAILED_EVENT, () => {
      if (!current() || this.#transportFailed) return;
      this.#transportFailed = true;
      this.#channelOpen = false;
      this.#iceUp = false;
      this.#events.emit('iceInterrupted', 'failed');
    });
    peer.on('iceStateChange', (iceConnectionState) => {
      if (!current()) return;
      const up = iceConnectionState === 'connected' || iceConnectionState === 'completed';
      const cameBack = up && !this.#iceUp && this.#connected && !this.#transportFailed;
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
    peer.on('stream', (stream) => {
      if (current()) this.#events.emit('stream', stream);
    });
    peer.on('data', (data) => {
      if (!current()) return;
      // simple-peer delivers Uint8Array; anything else is a bug upstream, not a message.
      if (data instanceof Uint8Array) this.#events.emit('data', data);
    });
    peer.on('error', (error) => {
      if (!current()) return;
      const code = errorCodeOf(error);
      this.#events.emit('error', { kind: ERROR_KINDS[code] ?? 'other', code });
    });
    peer.on('close', () => {
      if (!current()) return;
      this.#ended = true;
      this.#events.emit('closed');
      this.#events.removeAllListeners();
    });
  }

  /**
   * Once per connection (generation), when it has opened: both descriptions are known by then,
   * and the page shows the code only in a connected chat. Not as soon as both descriptions are
   * known: on the answering side that is right after our answer has left, when the stranger
   * waits for our first candidate and the main thread is needed for it (the derivation took
   * about 10 ms at 4x CPU).
   */
  #maybeDeriveSafetyCode(): void {
    const local = this.#localSdp;
    const remote = this.#remoteSdp;
    if (local === undefined || remote === undefined || !this.#codeNeeded) return;
    this.#codeNeeded = false;
    const generation = this.#generation;
    deriveSafetyCode(local, remote).then(
      (code) => {
        const stale = this.#ended || generation !== this.#generation;
        if (code === undefined || stale || code === this.#safetyCode) return;
        // A rebuilt connection without the same certificates has a new code: the page says so.
        this.#safetyCode = code;
        this.#events.emit('safetyCode', code);
      },
      (error: unknown) => {
        console.error('mayfly: safety code derivation failed', error);
      },
    );
  }
}
