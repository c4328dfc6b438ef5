/** Wires the session controller to the real browser: Socket.IO, getUserMedia, simple-peer. */
import type { ChatWords } from '../chat/chat-log';
import { systemClock } from '../clock';
import type { createChatPeer } from '../peer/browser-peer';
import { SignalingClient } from '../signaling/signaling-client';
import { watchMediaPermission } from './media-permission';
import { SessionController } from './session-controller';

/** `chatWords`: the chat log's own lines in the page's language, read as each is added. */
export function createBrowserSession(chatWords: () => ChatWords): {
  controller: SessionController;
  close(): void;
} {
  const signaling = new SignalingClient();
  // The WebRTC code is not part of the first page load; it is fetched once Start is pressed.
  let peerFactory: Promise<typeof createChatPeer> | undefined;
  const loadPeerFactory = (): Promise<typeof createChatPeer> => {
    peerFactory ??= import('../peer/browser-peer').then((module) => module.createChatPeer);
    return peerFactory;
  };
  const mediaDevices = navigator.mediaDevices as MediaDevices | undefined;
  // Older browsers have no Permissions API (the DOM types say every browser has).
  const permission = watchMediaPermission(navigator.permissions as Permissions | undefined);
  const controller = new SessionController({
    signaling,
    media: {
      available: mediaDevices !== undefined,
      getUserMedia: (constraints) =>
        mediaDevices === undefined
          ? Promise.reject(new DOMException('no media devices', 'NotFoundError'))
          : mediaDevices.getUserMedia(constraints),
      enumerateDevices: () => mediaDevices?.enumerateDevices() ?? Promise.resolve([]),
      mayPrompt: () => !permission.granted(),
    },
    createPeer: async (options) => (await loadPeerFactory())(options),
    preparePeer: () => {
      loadPeerFactory().catch((error: unknown) => {
        peerFactory = undefined; // try again on the next Start
        console.error('mayfly: could not load the WebRTC module', error);
      });
    },
    // Only needed when the person sends a picture.
    reencodeImage: async (file) => (await import('../chat/image-reencode')).reencodeImage(file),
    objectUrls: {
      create: (blob) => URL.createObjectURL(blob),
      revoke: (url) => URL.revokeObjectURL(url),
    },
    clock: systemClock,
    chatWords,
    randomId: () => crypto.randomUUID().replaceAll('-', '').slice(0, 16),
    onBrowserOnline: (listener) => {
      window.addEventListener('online', listener);
      return () => window.removeEventListener('online', listener);
    },
  });
  // A closed tab leaves for good: the stranger hears it at once (a goodbye on the data channel,
  // Stop on the server) instead of waiting out the reconnection window.
  const leave = (): void => controller.stop();
  window.addEventListener('pagehide', leave);
  signaling.connect();
  return {
    controller,
    close: () => {
      window.removeEventListener('pagehide', leave);
      permission.close();
      controller.dispose();
      signaling.close();
    },
  };
}
