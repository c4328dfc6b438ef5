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

/**
 * A DTLS certificate for the next chat, made ahead (it takes a few ms, off the path from the
 * match to the video). One per chat, never reused for another: a stranger must not be able to
 * tell they met the same person twice. It lives in this tab's memory only.
 */
let nextCertificate: Promise<RTCCertificate | undefined> = generateCertificate();

function generateCertificate(): Promise<RTCCertificate | undefined> {
  if (typeof RTCPeerConnection === 'undefined') return Promise.resolve(undefined);
  const keygen: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
  return RTCPeerConnection.generateCertificate(keygen).catch((error: unknown) => {
    // The browser makes its own for each connection; a rebuilt one then has a new safety code.
    console.warn('mayfly: could not generate a DTLS certificate', error);
    return undefined;
  });
}

export async function createChatPeer(options: PeerOptions): Promise<ChatPeer> {
  // Taken before waiting on it: two peers made at once (an offer made again while the one
  // before it is still being made) must not share one certificate.
  const pending = nextCertificate;
  nextCertificate = generateCertificate();
  const certificate = await pending;
  // simple-peer names each connection with Uint8Array.prototype.toHex (see the module).
  installUint8ArrayToHex();
  return {
    peer: new PeerConnection(RestartablePeer as unknown as SimplePeerConstructor, {
      ...options,
      certificate,
    }),
    codec: new ChatCodec(),
  };
}
