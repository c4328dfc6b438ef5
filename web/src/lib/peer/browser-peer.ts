/**
 * The WebRTC code as one lazily loaded piece: our wrapper with simple-peer behind it. Only this
 * module imports simple-peer, and only browser-session.ts imports it, with import(), so none of
 * it is part of the first page load.
 */
import SimplePeer from '@thaunknown/simple-peer';
import { PeerConnection, type PeerOptions, type SimplePeerConstructor } from './peer-connection';
import { installUint8ArrayToHex } from './uint8array-to-hex';

export function createPeerConnection(options: PeerOptions): PeerConnection {
  // simple-peer names each connection with Uint8Array.prototype.toHex (see the module).
  installUint8ArrayToHex();
  return new PeerConnection(SimplePeer as SimplePeerConstructor, options);
}
