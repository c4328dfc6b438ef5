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
 * The DTLS certificate does not change, so neither does the safety code.
 */
import SimplePeer from '@thaunknown/simple-peer';
import type { IceServer } from '@mayfly/protocol';

export interface RestartOptions {
  /** Roll back our unanswered offer first (see the top of this file). */
  takeBackOffer?: boolean;
}

export class RestartablePeer extends SimplePeer {
  /** Our unanswered offer is being taken back: an answer to it must not be applied. */
  #rollingBack = false;

  override _onIceStateChange(): void {
    if (this.destroyed) return;
    if (this._pc.iceConnectionState === 'failed') {
      this.emit('iceStateChange', 'failed', this._pc.iceGatheringState);
      return;
    }
    super._onIceStateChange();
  }

  override _onConnectionStateChange(): void {
    // Failed because ICE failed: a restart may still bring it back. Failed otherwise (the other
    // side closed its DTLS, as a closed tab does): over, as simple-peer says.
    const { connectionState, iceConnectionState } = this._pc;
    if (connectionState === 'failed' && iceConnectionState === 'failed') return;
    super._onConnectionStateChange();
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
