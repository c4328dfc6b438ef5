/** Wires the connection test to the real browser: Socket.IO and RTCPeerConnection. */
import { SignalingClient } from '../signaling/signaling-client';
import type { ConnectivityTestDeps } from './connectivity-test';

export function browserConnectivityDeps(): ConnectivityTestDeps {
  return {
    openSignaling: () => new SignalingClient(),
    createPeer: (config) => {
      if (typeof RTCPeerConnection === 'undefined') throw new Error('WebRTC is not available');
      return new RTCPeerConnection(config);
    },
    clock: {
      now: () => performance.now(),
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number | undefined),
    },
  };
}
