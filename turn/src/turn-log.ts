/**
 * What the embedded TURN server reports. Metadata only, by construction:
 * no event has a field for a credential, a username, an IP address of a
 * client or peer, or payload bytes. Ports are the server's own.
 */

export type AuthRejection =
  'malformed-username' | 'expired' | 'forged' | 'stale-nonce' | 'bad-request' | 'wrong-credentials';

export type AllocationCloseReason = 'expired' | 'released' | 'server-closed';

export type TurnLogEvent =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'closed' }
  | {
      readonly type: 'allocation-created';
      readonly relayPort: number;
      readonly lifetimeSeconds: number;
      readonly allocations: number;
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
  /** Data toward this server's relay address on a port that is no live allocation. */
  | { readonly type: 'relay-to-self-dropped' }
  /** Data of a local-scope allocation toward a port below 1024 of this machine. */
  | { readonly type: 'local-scope-port-dropped' }
  | { readonly type: 'relay-port-unavailable' }
  /** A datagram node-turn could not parse; the sender's fault, not the server's. */
  | { readonly type: 'malformed-datagram' }
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
