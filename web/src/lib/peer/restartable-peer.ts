/**
 * simple-peer, made to survive a network change: the one place that touches its internals.
 *
 * simple-peer destroys the connection as soon as ICE (or the whole connection) reports
 * `failed`, and has no ICE restart (simple-peer issue #579, open since 2019). Here:
 *  - `failed` is reported (`iceStateChange`) but ends nothing: an ICE restart can revive the
 *    connection, and ChatConnection gives up by itself when none does within its window;
 *  - `restartIce(iceServers)`: the initiator restarts ICE (`RTCPeerConnection.restartIce()`,
 *    then a new offer through simple-peer's own negotiation); the other side asks it to, with
 *    simple-peer's `renegotiate` signal, which the initiator answers with a restart. Fresh ICE
 *    servers (new TURN credentials) apply to the restart; the transport policy ("relay" when
 *    hiding the IP address) stays as it was;
 *  - `takeBackOffer`: an offer of ours that can no longer be answered (ChatConnection knows: the
 *    connection to the server that carried it dropped) is rolled back before the restart, else
 *    simple-peer would queue every later offer behind it for ever. An answer that arrives for
 *    it all the same is dropped: the offer that replaced it gets its own.
 *  - a connection whose DTLS transport failed after it had been open (Firefox's fails for good
 *    within 0.2 s of its own interface going down), or whose data channel closed or broke, is
 *    reported (`transportFailed`) instead of destroyed: PeerConnection rebuilds it (a new
 *    RTCPeerConnection with the same certificate), and a stranger who really left is heard of
 *    through their `bye` or the server.
 * The DTLS certificate does not change, so neither does the safety code.
 *
 * And one thing simple-peer does that we do without: before it reports `connect` it reads the
 * connection's stats, to fill in `remoteAddress` and `localAddress`, which we never read. In
 * Chrome that read builds every report on the main thread (about 40 ms at 4x CPU), just when
 * the stranger's first picture is due; ChatConnection reads the route from the stats itself,
 * once the picture had its chance (docs/performance.md).
 */
import SimplePeer from '@thaunknown/simple-peer';
import type { IceServer } from '@mayfly/protocol';
import { TRANSPORT_FAILED_EVENT } from './peer-connection';

/** simple-peer's error codes of a transport that failed under an open connection. */
const TRANSPORT_FAILURES: ReadonlySet<string> = new Set([
  'ERR_CONNECTION_FAILURE',
  'ERR_DATA_CHANNEL',
]);

export interface RestartOptions {
  /** Roll back our unanswered offer first (see the top of this file). */
  takeBackOffer?: boolean;
}

export class RestartablePeer extends SimplePeer {
  /** Our unanswered offer is being taken back: an answer to it must not be applied. */
  #rollingBack = false;
  #transportFailed = false;

  override _onIceStateChange(): void {
    if (this.destroyed) return;
    if (this._pc.iceConnectionState === 'failed') {
      this.emit('iceStateChange', 'failed', this._pc.iceGatheringState);
      return;
    }
    super._onIceStateChange();
  }

  override _onConnectionStateChange(): void {
    // Failed because ICE failed: a restart may still bring it back.
    const { connectionState, iceConnectionState } = this._pc;
    if (connectionState === 'failed' && iceConnectionState === 'failed') return;
    super._onConnectionStateChange();
  }

  override _maybeReady(): void {
    // Written through the stream before the channel opened: simple-peer's own path sends it.
    if (this._chunk !== null && this._chunk !== undefined) {
      super._maybeReady();
      return;
    }
    if (this._connected || this._connecting || !this._pcReady || !this._channelReady) return;
    this._connected = true;
    this.emit('connect');
  }

  override _onChannelClose(): void {
    if (this.#reportTransportFailure()) return;
    super._onChannelClose();
  }

  override __destroy(error?: Error & { code?: unknown }): void {
    const code = typeof error?.code === 'string' ? error.code : '';
    if (TRANSPORT_FAILURES.has(code) && this.#reportTransportFailure()) return;
    super.__destroy(error);
  }

  /** Reports (once) a failure of an open connection's transport; false if it never opened. */
  #reportTransportFailure(): boolean {
    if (this.destroyed || this._destroying || !this._connected) return false;
    if (!this.#transportFailed) {
      this.#transportFailed = true;
      this.emit(TRANSPORT_FAILED_EVENT);
    }
    return true;
  }

  override signal(data: unknown): void {
    const request = data as { renegotiate?: unknown; type?: unknown } | null;
    // The answer to an offer we took back: applying it would fail, and end the connection.
    const noOfferOut = this.#rollingBack || this._pc.signalingState === 'stable';
    if (request?.type === 'answer' && noOfferOut) return;
    // The other side asks for a restart: only the initiator makes offers.
    if (request?.renegotiate === true && this.initiator && !this.destroyed) this._pc.restartIce();
    super.signal(data);
  }

  /** Restarts ICE (initiator), or asks the other side to (responder). */
  restartIce(
    iceServers: readonly IceServer[],
    { takeBackOffer = false }: RestartOptions = {},
  ): void {
    if (this.destroyed) return;
    if (iceServers.length > 0) {
      const config = this._pc.getConfiguration();
      this._pc.setConfiguration({ ...config, iceServers: iceServers.map((s) => ({ ...s })) });
    }
    if (this.initiator && takeBackOffer && this._pc.signalingState === 'have-local-offer') {
      // simple-peer's handler of the stable state that the rollback brings makes the queued
      // offer: the restart.
      this._pc.restartIce();
      this._queuedNegotiation = true;
      this.#rollingBack = true;
      this._pc
        .setLocalDescription({ type: 'rollback' })
        .then(
          () => {
            if (!this.destroyed) this._pc.restartIce();
          },
          // The answer came first after all: the queued restart follows it.
          (error: unknown) => console.warn('mayfly: could not take our offer back', error),
        )
        .finally(() => {
          this.#rollingBack = false;
        });
    } else if (this.initiator) {
      this._pc.restartIce();
      this.negotiate();
    } else {
      this.emit('signal', { type: 'renegotiate', renegotiate: true });
    }
  }
}
