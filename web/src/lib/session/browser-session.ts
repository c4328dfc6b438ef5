/** Wires the session controller to the real browser: Socket.IO, getUserMedia, simple-peer. */
import { reencodeImage } from '../chat/image-reencode';
import { systemClock } from '../clock';
import { loadSimplePeer, PeerConnection } from '../peer/peer-connection';
import { SignalingClient } from '../signaling/signaling-client';
import { SessionController } from './session-controller';

export function createBrowserSession(): { controller: SessionController; close(): void } {
  const signaling = new SignalingClient();
  // simple-peer is not part of the first page load; it is fetched once Start is pressed.
  let simplePeer: ReturnType<typeof loadSimplePeer> | undefined;
  const getSimplePeer = (): ReturnType<typeof loadSimplePeer> => {
    simplePeer ??= loadSimplePeer();
    return simplePeer;
  };
  const mediaDevices = navigator.mediaDevices as MediaDevices | undefined;
  const controller = new SessionController({
    signaling,
    media: {
      available: mediaDevices !== undefined,
      getUserMedia: (constraints) =>
        mediaDevices === undefined
          ? Promise.reject(new DOMException('no media devices', 'NotFoundError'))
          : mediaDevices.getUserMedia(constraints),
      enumerateDevices: () => mediaDevices?.enumerateDevices() ?? Promise.resolve([]),
    },
    createPeer: async (options) => new PeerConnection(await getSimplePeer(), options),
    preparePeer: () => {
      getSimplePeer().catch((error: unknown) => {
        simplePeer = undefined; // try again on the next Start
        console.error('mayfly: could not load the WebRTC module', error);
      });
    },
    reencodeImage,
    objectUrls: {
      create: (blob) => URL.createObjectURL(blob),
      revoke: (url) => URL.revokeObjectURL(url),
    },
    clock: systemClock,
    randomId: () => crypto.randomUUID().replaceAll('-', '').slice(0, 16),
  });
  signaling.connect();
  return {
    controller,
    close: () => {
      controller.dispose();
      signaling.close();
    },
  };
}
