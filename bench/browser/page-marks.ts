/**
 * What happens in a page between Start and the stranger's picture, timed from inside the page.
 * `watchPage` runs in every page before its own scripts (Playwright's addInitScript, so it must
 * be self-contained). It wraps the browser's own WebSocket and RTCPeerConnection, which both
 * pages use (Socket.IO and simple-peer underneath Mayfly), so the same marks mean the same
 * thing on either page and neither page's code is changed for the benchmark.
 */
import type { MarkName, PageMarks } from '../src/browser/marks';

/** What the page exposes as `window.benchMarks`. */
export interface MarksHandle {
  marks: PageMarks;
  /** Forgets every mark, e.g. the waiting stranger's own Start, before the timed click. */
  reset(): void;
  /**
   * Resolves with the marks once the stranger's video shows (rejects after `timeoutMs`). A
   * promise the page settles itself: polling from Playwright (waitForFunction) would evaluate
   * its own script in the page while the call is being timed.
   */
  videoShown(timeoutMs: number): Promise<PageMarks>;
}

declare global {
  interface Window {
    benchMarks: MarksHandle;
  }
}

export function watchPage(): void {
  let shown: () => void = () => {};
  const shownOnce = new Promise<void>((resolve) => {
    shown = resolve;
  });
  const handle: MarksHandle = {
    marks: {},
    reset: () => {
      handle.marks = {};
    },
    videoShown: (timeoutMs) =>
      new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error(`no video within ${timeoutMs} ms`)), timeoutMs);
        void shownOnce.then(() => resolve(handle.marks));
      }),
  };
  window.benchMarks = handle;
  const mark = (name: MarkName, at = performance.now()): void => {
    if (handle.marks[name] !== undefined) return;
    handle.marks[name] = performance.timeOrigin + at;
    // Also in a Chrome trace of the page, as user timing.
    performance.mark(`bench:${name}`, { startTime: at });
  };
  const text = (data: unknown): string => (typeof data === 'string' ? data : '');

  document.addEventListener(
    'click',
    (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      if (button?.textContent?.trim() === 'Start') mark('click');
    },
    true,
  );

  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    mark('media');
    return stream;
  };

  // Socket.IO's engine and the floor page both speak plain WebSocket text frames.
  const isDescription = (frame: string): boolean => /"type":"(offer|answer)"/u.test(frame);
  const isCandidate = (frame: string): boolean => /"candidate":\{/u.test(frame);
  const NativeWebSocket = window.WebSocket;
  const send = NativeWebSocket.prototype.send;
  NativeWebSocket.prototype.send = function (this: WebSocket, data) {
    const frame = text(data);
    // Engine.IO's pong ("3") is no message of the page's.
    if (frame !== '3') mark('firstSend');
    if (isDescription(frame)) mark('descriptionSent');
    if (isCandidate(frame)) mark('candidateSent');
    send.call(this, data);
  };
  class WatchedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => mark('socketOpen'));
      this.addEventListener('message', (event: MessageEvent) => {
        const frame = text(event.data);
        if (/"matched"/u.test(frame)) mark('matched');
        if (isDescription(frame)) mark('descriptionReceived');
        if (isCandidate(frame)) mark('candidateReceived');
      });
    }
  }
  window.WebSocket = WatchedWebSocket;

  const NativePeer = window.RTCPeerConnection;
  const proto = NativePeer.prototype;
  const setLocal: (
    this: RTCPeerConnection,
    description?: RTCLocalSessionDescriptionInit,
  ) => Promise<void> = proto.setLocalDescription;
  proto.setLocalDescription = async function (
    this: RTCPeerConnection,
    description?: RTCLocalSessionDescriptionInit,
  ) {
    await setLocal.call(this, description);
    mark('localDescription');
  };
  const setRemote: (
    this: RTCPeerConnection,
    description: RTCSessionDescriptionInit,
  ) => Promise<void> = proto.setRemoteDescription;
  proto.setRemoteDescription = async function (
    this: RTCPeerConnection,
    description: RTCSessionDescriptionInit,
  ) {
    await setRemote.call(this, description);
    mark('remoteDescription');
  };
  const watchChannel = (channel: RTCDataChannel): void => {
    channel.addEventListener('open', () => mark('dataChannelOpen'));
  };
  class WatchedPeerConnection extends NativePeer {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      mark('peerCreated');
      this.addEventListener('icecandidate', (event) => {
        if (event.candidate !== null) mark('firstCandidate');
      });
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected') mark('iceConnected');
      });
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('connected');
      });
      this.addEventListener('track', () => mark('track'));
      this.addEventListener('datachannel', (event) => watchChannel(event.channel));
    }

    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      watchChannel(channel);
      return channel;
    }
  }
  window.RTCPeerConnection = WatchedPeerConnection;

  // A real picture: wider than the 2x2 placeholder a broken path shows, and a frame presented.
  let watched: HTMLVideoElement | undefined;
  const onFrame = (video: HTMLVideoElement, metadata: VideoFrameCallbackMetadata): void => {
    if (metadata.width > 2) mark('framePresented', metadata.presentationTime);
    else video.requestVideoFrameCallback((_, next) => onFrame(video, next));
  };
  const poll = (): void => {
    const video = document.querySelector<HTMLVideoElement>('video[aria-label="Stranger\'s video"]');
    if (video !== null && video !== watched) {
      watched = video;
      video.requestVideoFrameCallback((_, metadata) => onFrame(video, metadata));
    }
    if (
      video !== null &&
      video.videoWidth > 2 &&
      video.getVideoPlaybackQuality().totalVideoFrames > 0
    ) {
      mark('video');
      // Give the frame callback, which runs with the next rendering, time to record too.
      setTimeout(shown, 100);
      return;
    }
    setTimeout(poll, 5);
  };
  poll();
}
