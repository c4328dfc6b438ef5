/**
 * The connectivity test: asks the browser to gather ICE candidates against this server's STUN
 * and TURN servers, with no stranger involved, and tallies what came back. The only other module
 * that creates an RTCPeerConnection besides peer-connection.ts; this one never connects to
 * anyone, it only gathers, then closes.
 */
import type { IceServer } from '@mayfly/protocol';
import type { Clock } from '../clock';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export const CANDIDATE_TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];

export interface ParsedCandidate {
  type: CandidateType;
  /** `udp` or `tcp`. */
  protocol: string;
  /** An IP address, or an mDNS name (`<uuid>.local`) standing in for a local one. */
  address: string;
  port: number;
  /** The browser hid its local address behind an mDNS name. */
  mdns: boolean;
}

export interface GatheredCandidate extends ParsedCandidate {
  /** Milliseconds since gathering started. */
  atMs: number;
}

/** A STUN/TURN server the browser could not use (`icecandidateerror`). */
export interface CandidateError {
  /** The server's URL as configured, e.g. `turn:relay.example:3478?transport=udp`. */
  url: string;
  /** STUN error code (401 unauthorized, 701 unreachable, …). */
  code: number;
  text: string;
}

const TYPES: ReadonlySet<string> = new Set(CANDIDATE_TYPES);

/**
 * Parses one ICE candidate line (RFC 8839 `candidate-attribute`, with or without `a=`):
 * `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …`.
 * Returns `undefined` for anything else, including the empty end-of-candidates marker.
 */
export function parseCandidate(line: string): ParsedCandidate | undefined {
  const match =
    /^(?:a=)?candidate:(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+typ\s+(\S+)/i.exec(
      line.trim(),
    );
  if (match === null) return undefined;
  const [, , , protocol = '', , address = '', portText = '', typeText = ''] = match;
  const type = typeText.toLowerCase();
  const port = Number(portText);
  if (!TYPES.has(type) || port > 65_535) return undefined;
  return {
    type: type as CandidateType,
    protocol: protocol.toLowerCase(),
    address,
    port,
    mdns: address.toLowerCase().endsWith('.local'),
  };
}

/** True for the markers that say a gathering pass is over (`''`, `a=end-of-candidates`). */
export function isEndOfCandidates(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || /^(?:a=)?end-of-candidates$/i.test(trimmed);
}

/** The candidates gathered so far, counted by type; each distinct candidate counts once. */
export class CandidateTally {
  readonly counts: Record<CandidateType, number> = { host: 0, srflx: 0, prflx: 0, relay: 0 };
  readonly candidates: GatheredCandidate[] = [];
  readonly errors: CandidateError[] = [];
  /** When the first relay candidate arrived, in ms since gathering started. */
  firstRelayMs: number | undefined;
  readonly #seen = new Set<string>();

  /** Records one candidate line; returns false when it is not a (new) candidate. */
  add(line: string, atMs: number): boolean {
    const candidate = parseCandidate(line);
    if (candidate === undefined) return false;
    const key = `${candidate.type} ${candidate.protocol} ${candidate.address} ${candidate.port}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    this.candidates.push({ ...candidate, atMs });
    this.counts[candidate.type]++;
    if (candidate.type === 'relay') this.firstRelayMs ??= atMs;
    return true;
  }

  addError(error: CandidateError): void {
    const known = this.errors.some((e) => e.url === error.url && e.code === error.code);
    if (!known) this.errors.push(error);
  }

  /** Host candidates whose address is an mDNS name rather than an IP. */
  get mdnsHosts(): number {
    return this.candidates.filter((c) => c.type === 'host' && c.mdns).length;
  }
}

/** Which kinds of ICE server the signaling server handed out. */
export interface OfferedServers {
  stun: boolean;
  turn: boolean;
}

export function offeredServers(iceServers: readonly IceServer[]): OfferedServers {
  const urls = iceServers.flatMap((server) =>
    typeof server.urls === 'string' ? [server.urls] : [...server.urls],
  );
  return {
    stun: urls.some((url) => /^stuns?:/i.test(url)),
    turn: urls.some((url) => /^turns?:/i.test(url)),
  };
}

export interface ProbeResult {
  /** Gathering finished by itself, or the time limit cut it short. */
  ending: 'complete' | 'timeout';
  offered: OfferedServers;
  counts: Readonly<Record<CandidateType, number>>;
  candidates: readonly GatheredCandidate[];
  errors: readonly CandidateError[];
  mdnsHosts: number;
  firstRelayMs: number | undefined;
  durationMs: number;
}

/** The part of RTCPeerConnection the probe uses (tests pass a fake). */
export type ProbePeer = Pick<
  RTCPeerConnection,
  | 'onicecandidate'
  | 'onicecandidateerror'
  | 'onicegatheringstatechange'
  | 'iceGatheringState'
  | 'createDataChannel'
  | 'createOffer'
  | 'setLocalDescription'
  | 'close'
>;

export interface ProbeOptions {
  createPeer(config: RTCConfiguration): ProbePeer;
  clock: Clock;
  /** Stop waiting for more candidates after this long. @default PROBE_TIMEOUT_MS */
  timeoutMs?: number;
  /** Called after every new candidate, for a live count. */
  onCandidate?: (tally: CandidateTally) => void;
  /** Aborting closes the connection and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Browsers give up on an unreachable TURN server after 10+ s; we say so sooner. */
export const PROBE_TIMEOUT_MS = 8_000;

/**
 * Gathers candidates with the given ICE servers until gathering completes or the time limit
 * passes. Rejects only when the browser cannot start (no WebRTC, a bad configuration).
 */
export async function runConnectivityProbe(
  iceServers: readonly IceServer[],
  options: ProbeOptions,
): Promise<ProbeResult> {
  const { clock, signal } = options;
  signal?.throwIfAborted();
  const tally = new CandidateTally();
  const started = clock.now();
  const elapsed = (): number => Math.max(0, clock.now() - started);
  const peer = options.createPeer({
    iceServers: iceServers.map((server) => ({ ...server })),
    iceTransportPolicy: 'all',
    // A fresh pool: pre-gathered candidates would hide how long the relay takes to answer.
    iceCandidatePoolSize: 0,
  });

  let timer: unknown;
  let finish: (ending: ProbeResult['ending'] | 'aborted') => void = () => undefined;
  const finished = new Promise<ProbeResult['ending'] | 'aborted'>((resolve) => {
    finish = resolve;
  });
  const onAbort = (): void => finish('aborted');
  try {
    peer.onicecandidate = (event) => {
      const line = event.candidate?.candidate;
      if (line === undefined || isEndOfCandidates(line)) finish('complete');
      else if (tally.add(line, elapsed())) options.onCandidate?.(tally);
    };
    peer.onicecandidateerror = (event) => {
      tally.addError({ url: event.url, code: event.errorCode, text: event.errorText });
    };
    peer.onicegatheringstatechange = () => {
      if (peer.iceGatheringState === 'complete') finish('complete');
    };
    timer = clock.setTimeout(() => finish('timeout'), options.timeoutMs ?? PROBE_TIMEOUT_MS);
    signal?.addEventListener('abort', onAbort, { once: true });
    // A data channel gives the offer an m-line, and so something to gather candidates for.
    peer.createDataChannel('probe');
    await peer.setLocalDescription(await peer.createOffer());
    const ending = await finished;
    if (ending === 'aborted') throw signal?.reason ?? new DOMException('aborted', 'AbortError');
    return {
      ending,
      offered: offeredServers(iceServers),
      counts: { ...tally.counts },
      candidates: [...tally.candidates],
      errors: [...tally.errors],
      mdnsHosts: tally.mdnsHosts,
      firstRelayMs: tally.firstRelayMs,
      durationMs: elapsed(),
    };
  } finally {
    clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    peer.onicecandidate = null;
    peer.onicecandidateerror = null;
    peer.onicegatheringstatechange = null;
    peer.close();
  }
}
