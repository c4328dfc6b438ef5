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
 *    hiding the IP address) stays as it was.
 * The DTLS certificate does not change, so neither does the safety code.
 */
import SimplePeer from '@thaunknown/simple-peer';
import type { IceServer } from '@mayfly/protocol';

export class RestartablePeer extends SimplePeer {
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
    const request = data as { renegotiate?: unknown } | null;
    // The other side asks for a restart: only the initiator makes offers.
    if (request?.renegotiate === true && this.initiator && !this.destroyed) this._pc.restartIce();
    super.signal(data);
  }

  /** Restarts ICE (initiator), or asks the other side to (responder). */
  restartIce(iceServers: readonly IceServer[]): void {
    if (this.destroyed) return;
    if (iceServers.length > 0) {
      const config = this._pc.getConfiguration();
      this._pc.setConfiguration({ ...config, iceServers: iceServers.map((s) => ({ ...s })) });
    }
    if (this.initiator) {
      this._pc.restartIce();
      this.negotiate();
    } else {
      this.emit('signal', { type: 'renegotiate', renegotiate: true });
    }
  }
}
