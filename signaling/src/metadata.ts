/**
 * What the signaling service tells the metadata log: the complete list of
 * its records. None of them has room for a nickname, an interest, a
 * message, an SDP, an ICE candidate or an address; `client` is always a
 * pseudonym. Where the records go (files, retention) is the host's business.
 */
import type { ErrorCode, PartnerLeftReason, ReportReason } from '@mayfly/protocol';

export type RejectionReason = 'origin' | 'connection_cap' | 'connection_rate' | 'shutting_down';

/**
 * Why the server closed a connection on its own: it kept sending past its
 * rate limit (`flood`), or sent what no Socket.IO client sends (`malformed`:
 * an undecodable packet, a second connect on one connection).
 */
export type CutOffReason = 'flood' | 'malformed';

export type SignalingRecord =
  | { event: 'connect'; client: string }
  // protocolErrors: how many events failed on the connection, when any did (only the first has a line).
  | { event: 'disconnect'; client: string; durationMs: number; protocolErrors?: number }
  | { event: 'rejected'; client: string; reason: RejectionReason }
  | { event: 'paired'; client: string; waitedMs: number; byInterest: boolean }
  | { event: 'chat_ended'; client: string; durationMs: number; reason: PartnerLeftReason }
  // A new connection took a chat over after a dropped one (resume token presented and taken).
  | { event: 'resumed'; client: string }
  | { event: 'protocol_error'; client: string; code: ErrorCode }
  // Who reported or blocked (a pseudonym) and why; never whom: the other side may be on another node.
  | { event: 'reported'; client: string; reason: ReportReason }
  | { event: 'blocked'; client: string }
  // A ban started; the banned address is known only to the moderation store, as a tag.
  | { event: 'ban_started'; durationMs: number }
  | { event: 'cut_off'; client: string; reason: CutOffReason };

export interface MetadataSink {
  write(record: SignalingRecord): void;
}

/**
 * What happens more often than the log writes it down (refused handshakes, failed events),
 * for counting (metrics) only: each carries a code from a closed set and nothing else.
 */
export type SignalingObservation =
  { event: 'rejected'; reason: RejectionReason } | { event: 'protocol_error'; code: ErrorCode };
