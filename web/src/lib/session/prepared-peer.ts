/**
 * Our side of the next chat's peer connection, made before the match. The server makes whoever
 * waited the initiator (docs/protocol.md), so the role we will take is known ahead almost
 * always: a person who starts looking (Start, Next) answers if a stranger was waiting, and a
 * person the server queues will send the offer. The peer connection for that role (with the
 * camera's tracks and the chat's DTLS certificate; for the initiator also its data channel, its
 * offer and first candidates) is made while the server decides or while we wait, as the floor
 * page makes its peer connection on Start. On the match the chat takes it: the offer leaves at
 * once, or the stranger's offer is answered without building a connection first, which on a
 * phone-class CPU is a good part of Start-to-video.
 *
 * What is made ahead stays in this tab until a stranger is found: no signal leaves before the
 * match (they are kept, then handed over in order with the peer), and an answering peer has none
 * to send before it has an offer. A prepared peer is only used for the chat it was made for: the
 * same role, ICE servers, route choice ("Hide my IP address") and camera stream; otherwise, or
 * once older than PREPARED_MAX_AGE_MS (candidates go stale when the network changes), it is
 * thrown away and the chat builds its own as before.
 */
import type { Signal } from '@mayfly/protocol';
import type { ChatPeer, PeerLike } from '../chat/chat-connection';
import type { Clock } from '../clock';
import type { PeerEvents, PeerOptions } from '../peer/peer-connection';

/**
 * A prepared peer older than this is made again: its host candidates may name a network the
 * device has left, and a relay allocation is held no longer than needed.
 */
export const PREPARED_MAX_AGE_MS = 120_000;

export interface PreparedPeerDeps {
  createPeer(options: PeerOptions): Promise<ChatPeer>;
  clock: Clock;
}

interface Prepared {
  readonly options: PeerOptions;
  /** Settles with the peer and the signals kept so far; undefined when it could not be made. */
  readonly made: Promise<HeldPeer | undefined>;
  readonly expiry: unknown;
  discarded: boolean;
}

export class PreparedPeer {
  readonly #deps: PreparedPeerDeps;
  #prepared: Prepared | undefined;

  constructor(deps: PreparedPeerDeps) {
    this.#deps = deps;
  }

  /** The role of the peer prepared (or being made): initiator or not; undefined when none is. */
  get initiator(): boolean | undefined {
    return this.#prepared?.options.initiator;
  }

  /** Makes a peer for these options now, in place of any made before. */
  prepare(options: PeerOptions): void {
    this.discard();
    const prepared: Prepared = {
      options,
      discarded: false,
      expiry: this.#deps.clock.setTimeout(() => this.prepare(options), PREPARED_MAX_AGE_MS),
      made: this.#deps.createPeer(options).then(
        ({ peer, codec }) => {
          if (prepared.discarded) {
            peer.destroy();
            return undefined;
          }
          return new HeldPeer(peer, codec);
        },
        (error: unknown) => {
          // The chat will try again itself, and say so if it fails too.
          console.warn('mayfly: could not prepare the peer connection', error);
          return undefined;
        },
      ),
    };
    this.#prepared = prepared;
  }

  /**
   * The peer made for a chat with these options, if there is one: its signals so far come first
   * to its first `signal` listener. Anything prepared is used or thrown away by this call.
   */
  take(options: PeerOptions): Promise<ChatPeer> | undefined {
    const prepared = this.#prepared;
    if (prepared === undefined || !sameOptions(prepared.options, options)) {
      this.discard();
      return undefined;
    }
    this.#prepared = undefined;
    this.#deps.clock.clearTimeout(prepared.expiry);
    return prepared.made.then((held) => {
      if (held !== undefined && !held.broken) return { peer: held, codec: held.codec };
      held?.destroy();
      // It failed while we waited (rare): a fresh one, as without preparing.
      return this.#deps.createPeer(options);
    });
  }

  /** Throws away whatever was prepared: the person stopped, or what the chat needs changed. */
  discard(): void {
    const prepared = this.#prepared;
    if (prepared === undefined) return;
    this.#prepared = undefined;
    prepared.discarded = true;
    this.#deps.clock.clearTimeout(prepared.expiry);
    void prepared.made.then((held) => held?.destroy());
  }
}

function sameOptions(a: PeerOptions, b: PeerOptions): boolean {
  return (
    a.initiator === b.initiator &&
    a.relayOnly === b.relayOnly &&
    a.stream === b.stream &&
    JSON.stringify(a.iceServers) === JSON.stringify(b.iceServers)
  );
}

/**
 * A peer whose signals are kept until someone listens: the first `signal` listener hears the
 * kept ones, in order, as it is added, then the rest as they come. An error or the end of the
 * connection before then marks it broken.
 */
class HeldPeer implements PeerLike {
  readonly #peer: PeerLike;
  readonly codec: ChatPeer['codec'];
  #kept: Signal[] | undefined = [];
  readonly #stopKeeping: (() => void)[];
  broken = false;

  constructor(peer: PeerLike, codec: ChatPeer['codec']) {
    this.#peer = peer;
    this.codec = codec;
    const broke = (): void => {
      this.broken = true;
    };
    this.#stopKeeping = [
      peer.on('signal', (signal) => this.#kept?.push(signal)),
      peer.on('error', broke),
      peer.on('closed', broke),
    ];
  }

  on<E extends keyof PeerEvents>(event: E, listener: PeerEvents[E]): () => void {
    const off = this.#peer.on(event, listener);
    const kept = this.#kept;
    if (event === 'signal' && kept !== undefined) {
      this.#kept = undefined;
      for (const stop of this.#stopKeeping) stop();
      // E is 'signal' here; TypeScript does not narrow a type parameter by its value.
      const hear = listener as PeerEvents['signal'];
      for (const signal of kept) hear(signal);
    }
    return off;
  }

  signal(signal: Signal): void {
    this.#peer.signal(signal);
  }

  send(text: string): boolean {
    return this.#peer.send(text);
  }

  destroy(): void {
    this.#peer.destroy();
  }

  replaceTrack(old: MediaStreamTrack, fresh: MediaStreamTrack, stream: MediaStream): void {
    this.#peer.replaceTrack(old, fresh, stream);
  }

  get bufferedAmount(): number {
    return this.#peer.bufferedAmount;
  }

  routeType(): ReturnType<PeerLike['routeType']> {
    return this.#peer.routeType();
  }

  restartIce(...args: Parameters<PeerLike['restartIce']>): void {
    this.#peer.restartIce(...args);
  }
}
