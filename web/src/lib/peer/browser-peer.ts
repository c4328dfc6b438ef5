/**
 * The WebRTC code as one lazily loaded piece: our wrapper with simple-peer behind it, and the
 * codec of the chat's data channel, which nothing needs before a peer exists. Only this module
 * (through restartable-peer.ts) imports simple-peer, and only browser-session.ts imports it,
 * with import(), so none of it is part of the first page load.
 */
import { ChatCodec } from '../chat/chat-codec';
import type { ChatPeer } from '../chat/chat-connection';
import { PeerConnection, type PeerOptions, type SimplePeerConstructor } from './peer-connection';
import { RestartablePeer } from './restartable-peer';
import { installUint8ArrayToHex } from './uint8array-to-hex';

export function createChatPeer(options: PeerOptions): ChatPeer {
  // simple-peer names each connection with Uint8Array.prototype.toHex (see the module).
  installUint8ArrayToHex();
  return {
    peer: new PeerConnection(RestartablePeer as unknown as SimplePeerConstructor, options),
    codec: new ChatCodec(),
  };
}
