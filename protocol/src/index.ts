/**
 * Mayfly signaling protocol, version 1.
 *
 * The one definition of what travels between a browser and the signaling
 * service. The server types its Socket.IO `Server` with these interfaces and
 * the web client types its `Socket` with them. This package has no runtime
 * dependencies so that it can be bundled into the browser as is, and so that
 * third-party clients can import it without the server.
 *
 * Written up for third-party clients in docs/protocol.md; keep both in step.
 */

export { ManualClock, systemClock, type Clock } from './clock.js';

export const PROTOCOL_VERSION = 1;

/** Closed set of error codes the server answers with. */
export const ErrorCode = {
  /** The payload did not match the event's schema. */
  InvalidPayload: 'invalid_payload',
  /** The nickname is too long or uses characters outside the allowed set. */
  InvalidNickname: 'invalid_nickname',
  /** Too many interests, or an interest that is empty or too long after normalization. */
  InvalidInterests: 'invalid_interests',
  /** More than three languages, or one that is not a language tag (`es`, `pt-BR`). */
  InvalidLanguages: 'invalid_languages',
  /** The payload is larger than the event allows. */
  PayloadTooLarge: 'payload_too_large',
  /** The event name is not part of the protocol. */
  UnknownEvent: 'unknown_event',
  /** An event that needs a partner (`signal`, `report`, `block`) came while the socket has none. */
  NoPartner: 'no_partner',
  /** The event is not valid in the socket's current state (e.g. `start` while chatting). */
  InvalidState: 'invalid_state',
  /** The socket sent more events than its rate limit allows; the event was dropped. */
  RateLimited: 'rate_limited',
  /** The server is shutting down and takes no new work. */
  ShuttingDown: 'shutting_down',
  /**
   * Matching is briefly unavailable (a node cannot reach the state it shares
   * with other nodes); nothing changed. Try again in a few seconds; a call in
   * progress is not affected.
   */
  MatchingUnavailable: 'matching_unavailable',
  /**
   * Enough different strangers reported this address recently: it may not
   * start or look again (`start`, `next`) for a while. The answer carries `retryAfterMs`.
   */
  Banned: 'banned',
  /** `resume`: the token is malformed, forged, or already spent by another resume. */
  ResumeInvalid: 'resume_invalid',
  /** `resume`: that chat is over (the partner left, or its grace ran out). */
  ResumeExpired: 'resume_expired',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

export interface AckFailure {
  ok: false;
  code: ErrorCode;
  /** With `banned` and `rate_limited`: how long until the address may start again. */
  retryAfterMs?: number;
}
export type Ack = { ok: true } | AckFailure;
export type AckCallback = (response: Ack) => void;

/** The answer to `resume`. */
export type ResumeAck =
  | {
      ok: true;
      /** Resume with this next time: the token just used is spent. */
      resumeToken: string;
      /**
       * False when the server did not know the chat any more (it restarted) and waits for the
       * partner to resume too: `partnerReturned` or `partnerLeft` follows within the grace.
       */
      partnerPresent: boolean;
    }
  | AckFailure;
export type ResumeAckCallback = (response: ResumeAck) => void;

/* ---------------------------------------------------------------- limits */

export const NICKNAME_MAX_LENGTH = 24;
export const INTEREST_MAX_LENGTH = 24;
export const INTERESTS_MAX_COUNT = 5;
export const LANGUAGES_MAX_COUNT = 3;
/** Largest SDP the server relays. Real offers with audio, video and data are 3-12 KB. */
export const SDP_MAX_LENGTH = 32 * 1024;
/** Largest ICE candidate line the server relays. Real ones are under 300 characters. */
export const CANDIDATE_MAX_LENGTH = 1024;

/* ---------------------------------------------------------- normalizers */

// Letters and digits of any script, plus space, underscore, hyphen and dot.
const NICKNAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;
// Interests are single tags: letters and digits of any script, and inner hyphens.
const INTEREST_PATTERN = /^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u;

/**
 * Normalizes a nickname (NFKC, trimmed, inner whitespace collapsed) or
 * returns `undefined` when it is empty. Throws nothing; check the result
 * with {@link isValidNickname}.
 */
export function normalizeNickname(raw: string): string | undefined {
  const nickname = raw.normalize('NFKC').trim().replace(/\s+/gu, ' ');
  return nickname === '' ? undefined : nickname;
}

export function isValidNickname(nickname: string): boolean {
  return (
    [...nickname].length <= NICKNAME_MAX_LENGTH &&
    NICKNAME_PATTERN.test(nickname) &&
    normalizeNickname(nickname) === nickname
  );
}

/**
 * Normalizes one interest tag: NFKC, lower case, trimmed, inner whitespace
 * turned into hyphens, a leading `#` dropped. Returns `undefined` when the
 * result is not a valid tag.
 */
export function normalizeInterest(raw: string): string | undefined {
  const tag = raw.normalize('NFKC').toLowerCase().trim().replace(/^#+/u, '').replace(/\s+/gu, '-');
  if (tag === '' || [...tag].length > INTEREST_MAX_LENGTH || !INTEREST_PATTERN.test(tag)) {
    return undefined;
  }
  return tag;
}

/**
 * Normalizes a list of interests: each tag normalized, duplicates removed,
 * order kept. Returns `undefined` when any tag is invalid or there are more
 * than {@link INTERESTS_MAX_COUNT} distinct tags.
 */
export function normalizeInterests(raw: readonly string[]): string[] | undefined {
  const tags: string[] = [];
  for (const entry of raw) {
    const tag = normalizeInterest(entry);
    if (tag === undefined) return undefined;
    if (!tags.includes(tag)) tags.push(tag);
  }
  return tags.length <= INTERESTS_MAX_COUNT ? tags : undefined;
}

/**
 * Normalizes the languages a stranger speaks to primary language subtags (`pt-BR` → `pt`,
 * `EN` → `en`), duplicates removed, order kept. Returns `undefined` when one is not a language
 * tag or there are more than {@link LANGUAGES_MAX_COUNT}.
 */
export function normalizeLanguages(raw: readonly string[]): string[] | undefined {
  const languages: string[] = [];
  for (const entry of raw) {
    const primary = entry.trim().toLowerCase().split(/[-_]/u)[0] ?? '';
    if (!/^[a-z]{2,3}$/u.test(primary)) return undefined;
    if (!languages.includes(primary)) languages.push(primary);
  }
  return languages.length <= LANGUAGES_MAX_COUNT ? languages : undefined;
}

/** Splits free text the way the web client's "Interests" box does: on commas. */
export function parseInterestList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/* ---------------------------------------------------------------- payloads */

/** Why a stranger is reported; the closed set the report form offers. */
export const ReportReason = {
  /** Nudity or sexual content. */
  Sexual: 'sexual',
  Harassment: 'harassment',
  /** The stranger looks under 18. */
  Underage: 'underage',
  /** Spam or a scam. */
  Spam: 'spam',
  Other: 'other',
} as const;
export type ReportReason = (typeof ReportReason)[keyof typeof ReportReason];
export const REPORT_REASONS: readonly ReportReason[] = Object.values(ReportReason);

export interface ReportRequest {
  reason: ReportReason;
}

export interface StartRequest {
  /** Temporary alias shown to the partner only; never logged. */
  nickname?: string;
  /** Up to {@link INTERESTS_MAX_COUNT} tags; never logged. */
  interests?: string[];
  /**
   * Languages the stranger speaks, up to {@link LANGUAGES_MAX_COUNT} (BCP 47 tags; only the
   * primary subtag counts); strangers who share one are paired first. Never logged.
   */
  languages?: string[];
  /**
   * Meet only strangers who speak one of `languages`. A search that finds none within the
   * server's wait ends with `searchEnded`.
   */
  languagesOnly?: boolean;
  /**
   * The client hides its IP address: it gathers relay candidates only, and
   * the server drops any non-relay candidate it might still send.
   */
  relayOnly?: boolean;
}

export interface SessionDescriptionSignal {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface CandidateSignal {
  type: 'candidate';
  candidate: {
    candidate: string;
    sdpMid?: string | null;
    sdpMLineIndex?: number | null;
    usernameFragment?: string | null;
  };
}

/** simple-peer asks the initiator to renegotiate (e.g. after a track was added). */
export interface RenegotiateSignal {
  type: 'renegotiate';
  renegotiate: true;
}

/**
 * The sender has replaced its peer connection with a new one (the old one's DTLS failed for
 * good, as Firefox's does when its own network interface goes down) and asks the partner to do
 * the same. Every signal the sender sends after this one belongs to the new connection;
 * `generation` counts the connections of one chat (the first is 0), so a request that crossed
 * the partner's own is recognised.
 */
export interface RebuildSignal {
  type: 'rebuild';
  generation: number;
}

/** The highest `RebuildSignal.generation`: a chat that rebuilds more often has failed. */
export const REBUILD_GENERATION_MAX = 10_000;

/** The WebRTC signaling messages the server relays, in simple-peer's shapes (and ours). */
export type Signal = SessionDescriptionSignal | CandidateSignal | RenegotiateSignal | RebuildSignal;

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface Welcome {
  protocolVersion: typeof PROTOCOL_VERSION;
  /** ICE servers (STUN/TURN) with credentials minted for this connection. */
  iceServers: IceServer[];
  /** Whether the operator asks clients to hide their IP address by default. */
  relayByDefault: boolean;
  /**
   * Whether clients blur each new stranger's video until the person reveals it ("safe start"),
   * unless the person chose otherwise.
   */
  safeStartByDefault: boolean;
  /**
   * How long a chat waits for a stranger whose connection dropped (see `resume`), in ms; absent
   * from servers that do not hold chats.
   */
  resumeGraceMs?: number;
}

export interface Matched {
  /** The initiator creates the WebRTC offer; exactly one side of a pair is. */
  initiator: boolean;
  /**
   * Takes this chat over from another connection if this one drops (`resume`). A secret: keep
   * it in memory only, never log it.
   */
  resumeToken?: string;
  /** Interests both strangers gave; empty when they were paired at random. */
  sharedInterests: string[];
  /** The partner's nickname, if they chose one. */
  partnerNickname?: string;
  /** Languages both speak (primary subtags); empty when they were paired regardless. */
  sharedLanguages?: string[];
}

export const PartnerLeftReason = {
  /** The partner pressed Next. */
  Next: 'next',
  /** The partner pressed Stop. */
  Stop: 'stop',
  /** The partner's connection closed or went silent. */
  Disconnect: 'disconnect',
} as const;
export type PartnerLeftReason = (typeof PartnerLeftReason)[keyof typeof PartnerLeftReason];

export interface PartnerLeft {
  reason: PartnerLeftReason;
}

/** The partner's connection to the server dropped; the chat is held this long for its resume. */
export interface PartnerAway {
  graceMs: number;
}

/** The partner resumed the chat from a new connection (it may need a new WebRTC offer). */
export interface PartnerReturned {
  /** After a rejoin of a chat the server had lost: this side's new token (the old is spent). */
  resumeToken?: string;
}

/** The search ended without a match: the client is idle. */
export interface SearchEnded {
  /** `no_language_match`: nobody speaking the asked languages came within the wait. */
  reason: 'no_language_match';
}

export interface ResumeRequest {
  resumeToken: string;
}

/**
 * A ban on this connection's address started while it was waiting or chatting: it left the queue
 * or its chat (the partner was told `partnerLeft`) and is idle; `start` and `next` answer `banned`
 * until the ban ends.
 */
export interface Banned {
  /** How long until the address may start again. */
  retryAfterMs: number;
}

export interface Shutdown {
  /** A hint for how long to wait before reconnecting. */
  retryAfterMs: number;
}

/** Sent for an event that came without an acknowledgement callback but failed. */
export interface ProtocolError {
  code: ErrorCode;
  /** The event that failed; only names from the protocol are echoed back. */
  event?: keyof ClientToServerEvents;
}

/* ---------------------------------------------------------- proof of work */

/**
 * Where a client fetches a proof-of-work challenge (GET, same origin, never cached). The server
 * asks for a solved one in the handshake only while proof of work is on (POW=on, or POW=auto
 * under a burst of connections); see docs/protocol.md.
 */
export const POW_CHALLENGE_PATH = '/pow-challenge';

/**
 * An ALTCHA v2 challenge (SHA-256, deterministic mode), HMAC-signed and expiring: find the
 * `counter` for which SHA-256(salt ‖ nonce ‖ counter as 4 bytes big-endian) starts with the
 * bytes of `keyPrefix`. All byte strings are lower-case hex.
 */
export interface PowChallenge {
  parameters: {
    algorithm: 'SHA-256';
    nonce: string;
    salt: string;
    /** Rounds of the hash per try; 1 here. */
    cost: number;
    /** Bytes of the digest that make the derived key. */
    keyLength: number;
    keyPrefix: string;
    keySignature?: string;
    /** Unix time in seconds after which the server refuses the solution. */
    expiresAt?: number;
  };
  signature: string;
}

export interface PowSolution {
  counter: number;
  /** The whole derived key, hex. */
  derivedKey: string;
}

/** The Socket.IO `auth` payload of the handshake. */
export interface HandshakeAuth {
  /** A solved challenge, while the server asks for one. Each is good for one connection. */
  pow?: { challenge: PowChallenge; solution: PowSolution };
}

/** Why the server refused a connection, in `connect_error`'s `data.code`. */
export const ConnectRefusalCode = {
  /** Proof of work is on and the handshake carried no solution: fetch a challenge and solve it. */
  PowRequired: 'pow_required',
  /** The solution is wrong, or the challenge was not signed by this service. */
  PowInvalid: 'pow_invalid',
  /** The challenge expired before the solution arrived: solve a fresh one. */
  PowExpired: 'pow_expired',
  /** That solution was already used for a connection: solve a fresh one. */
  PowReplayed: 'pow_replayed',
} as const;
export type ConnectRefusalCode = (typeof ConnectRefusalCode)[keyof typeof ConnectRefusalCode];

export const CONNECT_REFUSAL_CODES: readonly ConnectRefusalCode[] =
  Object.values(ConnectRefusalCode);

/** `connect_error`'s `data` when the server refused the connection itself. */
export interface ConnectRefusal {
  code: ConnectRefusalCode;
}

/* ----------------------------------------------------------------- events */

export interface ClientToServerEvents {
  /** Start looking for a stranger. Valid when idle. */
  start: (request: StartRequest, ack?: AckCallback) => void;
  /** Leave the current partner (if any) and look for another stranger. */
  next: (ack?: AckCallback) => void;
  /** Leave the current partner or the queue, and stay idle. */
  stop: (ack?: AckCallback) => void;
  /** Relay a WebRTC signal to the current partner. The server chooses the target. */
  signal: (signal: Signal, ack?: AckCallback) => void;
  /**
   * Report the current partner: ends the chat (the partner is told as for
   * Next), blocks them from being matched with you again, and counts
   * against their address. Valid while paired.
   */
  report: (request: ReportRequest, ack?: AckCallback) => void;
  /** End the chat and never be matched with this partner again while the block lives. */
  block: (ack?: AckCallback) => void;
  /**
   * Take over, from this new connection (idle), the chat a `resumeToken` was handed for:
   * after a dropped connection, within the server's grace. Valid when idle.
   */
  resume: (request: ResumeRequest, ack?: ResumeAckCallback) => void;
}

export interface ServerToClientEvents {
  welcome: (welcome: Welcome) => void;
  matched: (matched: Matched) => void;
  signal: (signal: Signal) => void;
  partnerLeft: (partnerLeft: PartnerLeft) => void;
  partnerAway: (partnerAway: PartnerAway) => void;
  partnerReturned: (partnerReturned: PartnerReturned) => void;
  banned: (banned: Banned) => void;
  searchEnded: (ended: SearchEnded) => void;
  protocolError: (error: ProtocolError) => void;
  shutdown: (shutdown: Shutdown) => void;
}

export const CLIENT_EVENTS: readonly (keyof ClientToServerEvents)[] = [
  'start',
  'next',
  'stop',
  'signal',
  'report',
  'block',
  'resume',
];
