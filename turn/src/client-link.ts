/**
 * How the server reaches one client: a UDP 5-tuple on one of its listening
 * sockets, or a TCP connection. Requests, allocations and the data path see
 * only this, so that TURN over TCP is the same protocol as over UDP.
 */
import type { TransportAddress } from './stun.js';

export type ClientTransport = 'udp' | 'tcp';

/** What a frame carries: answers to requests are never dropped, relayed data may be. */
export type FrameKind = 'control' | 'data';

export interface ClientLink {
  readonly transport: ClientTransport;
  /** The client's address (canonical IP literal) and port. */
  readonly remote: TransportAddress;
  /**
   * The 5-tuple (RFC 8656 section 2): transport, the server's address and
   * the client's. Allocations are keyed by it.
   */
  readonly key: string;
  /** ChannelData over TCP is padded to four bytes (RFC 8656 section 12.5). */
  readonly padsChannelData: boolean;
  /**
   * Sends one STUN message or ChannelData frame. Data frames are dropped
   * when the client does not keep up (a full TCP send buffer), as UDP would.
   */
  send(frame: Buffer, kind: FrameKind): void;
  /** Whether the link can still carry anything (a TCP connection closes). */
  readonly isOpen: boolean;
  /** An allocation on this link was made (true) or ended (false); a TCP connection times out without one. */
  allocationChanged(active: boolean): void;
}

/** The 5-tuple key of a UDP client: the socket's address and port, then the client's. */
export function udpLinkKey(
  local: string,
  localPort: number,
  address: string,
  port: number,
): string {
  return `udp ${local} ${localPort} ${address} ${port}`;
}
