/**
 * What the embedded TURN server reports. Metadata only, by construction:
 * no event has a field for a credential, a username, an IP address of a
 * client or peer, or payload bytes. Ports are the server's own.
 */

export type AuthRejection =
  'malformed-username' | 'expired' | 'forged' | 'stale-nonce' | 'bad-request' | 'wrong-credentials';

/** `connection-closed`: the client's TCP connection, which carried the allocation, ended. */
export type AllocationCloseReason = 'expired' | 'released' | 'connection-closed' | 'server-closed';

/** Request methods by name, for events about requests. */
export type TurnMethodName =
  'binding' | 'allocate' | 'refresh' | 'create-permission' | 'channel-bind';

/**
 * Why a TCP connection was closed by the server: bytes that start no STUN
 * message or ChannelData, a frame over the size limit, or no allocation in
 * time after the connection opened (or after its allocation ended).
 */
export type TcpCloseReason = 'unframed' | 'frame-too-large' | 'no-allocation';

/** Why a TCP connection was refused: too many in all, or from one address. */
export type TcpRefusal = 'connection-limit' | 'address-limit';

export type TurnLogEvent =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'closed' }
  | {
      readonly type: 'allocation-created';
      readonly relayPort: number;
      readonly lifetimeSeconds: number;
      readonly allocations: number;
      readonly transport: 'udp' | 'tcp';
    }
  | { readonly type: 'allocation-refreshed'; readonly lifetimeSeconds: number }
  | {
      readonly type: 'allocation-closed';
      readonly reason: AllocationCloseReason;
      readonly allocations: number;
    }
  | { readonly type: 'auth-rejected'; readonly reason: AuthRejection }
  | { readonly type: 'peer-denied'; readonly request: 'create-permission' | 'channel-bind' }
  | { readonly type: 'quota-exceeded' }
  /**
   * A request answered with an error other than the ones above (401/438
   * challenges, 403, 486): 400, 420, 437, 440, 442, 443, 508.
   */
  | { readonly type: 'request-refused'; readonly method: TurnMethodName; readonly code: number }
  /** Data toward this server's relay address on a port that is no live allocation. */
  | { readonly type: 'relay-to-self-dropped' }
  /** Data of a local-scope allocation toward a port below 1024 of this machine. */
  | { readonly type: 'local-scope-port-dropped' }
  | { readonly type: 'relay-port-unavailable' }
  /**
   * A datagram or TCP frame that is no STUN message this server can read
   * (and no request it could answer 400), or whose FINGERPRINT is wrong;
   * the sender's fault, not the server's.
   */
  | { readonly type: 'malformed-message' }
  /** A well-formed STUN request of a method this server does not serve (RFC 8489: ignored). */
  | { readonly type: 'unknown-method' }
  | { readonly type: 'tcp-refused'; readonly reason: TcpRefusal }
  | { readonly type: 'tcp-closed'; readonly reason: TcpCloseReason }
  /** Something failed inside the server; `code` is an errno-style code or error name. */
  | { readonly type: 'error'; readonly where: string; readonly code: string };

export type TurnLog = (event: TurnLogEvent) => void;

/** An error's code or name, never its message (socket errors carry addresses). */
export function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? code : error.name;
  }
  return typeof error;
}
