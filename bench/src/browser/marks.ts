/**
 * The steps of a browser call that bench/browser/page-marks.ts records in each page, shared by
 * the page script and the report.
 */
/** The steps of a call, in the order they usually happen. Epoch milliseconds, first occurrence. */
export const MARKS = [
  /** The Start button was clicked. */
  'click',
  /** getUserMedia resolved: the camera is on. */
  'media',
  /** A WebSocket to the signaling server opened. */
  'socketOpen',
  /** The first message the page sent after the marks were reset (Mayfly: `start`). */
  'firstSend',
  /** The server's message that a stranger was found. */
  'matched',
  /** The page created its RTCPeerConnection. */
  'peerCreated',
  /** setLocalDescription resolved: our offer or answer, with its first candidates gathering. */
  'localDescription',
  /** Our offer or answer left over the WebSocket. */
  'descriptionSent',
  /** The stranger's offer or answer arrived over the WebSocket. */
  'descriptionReceived',
  /** setRemoteDescription resolved. */
  'remoteDescription',
  /** The first ICE candidate of ours was gathered. */
  'firstCandidate',
  /** The first ICE candidate of ours left over the WebSocket. */
  'candidateSent',
  /** The first of the stranger's ICE candidates arrived over the WebSocket. */
  'candidateReceived',
  /** iceConnectionState became connected (a candidate pair works). */
  'iceConnected',
  /** connectionState became connected (DTLS done too). */
  'connected',
  /** The stranger's first media track was announced (ontrack). */
  'track',
  /** A data channel opened (Mayfly's "connected" phase waits for it; the floor has none). */
  'dataChannelOpen',
  /**
   * The stranger's first real picture (wider than 2 pixels) was handed to the compositor, from
   * requestVideoFrameCallback: not delayed by a busy main thread, which shows video anyway.
   */
  'framePresented',
  /**
   * The page's main thread saw the stranger's video show a real picture (videoWidth > 2 and a
   * frame presented, polled every 5 ms): the headline figure, as measured before.
   */
  'video',
] as const;

export type MarkName = (typeof MARKS)[number];
export type PageMarks = Partial<Record<MarkName, number>>;
