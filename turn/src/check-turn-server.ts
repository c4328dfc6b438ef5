/**
 * A health check for any TURN server (embedded or coturn): allocate with the
 * given credentials, optionally ask for a permission toward a peer the server
 * must refuse, then release the allocation. Sends nothing to any peer: the
 * refusal is an answer to CreatePermission, before any data would be relayed.
 */
import {
  TurnClient,
  TurnErrorResponse,
  TurnIntegrityError,
  TurnTimeoutError,
} from './stun-client.js';
import type { TransportAddress } from './stun.js';

export interface CheckTurnServerOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly credential: string;
  /**
   * A peer IP the server must refuse with 403, e.g. '127.0.0.1', or
   * '::ffff:10.0.0.1' on an IPv6 relay. Use the relay's address family: servers
   * answer 443 to the other one, which counts as not refused.
   */
  readonly deniedPeer?: string;
  /** Budget for each request. */
  readonly timeoutMs: number;
  /** TURN over UDP, or over TCP to the same port. @default 'udp' */
  readonly transport?: 'udp' | 'tcp';
}

export type TurnCheckFailure =
  | { readonly code: 'timeout' }
  | { readonly code: 'error-response'; readonly status: number; readonly reason: string }
  | { readonly code: 'integrity' }
  | { readonly code: 'client'; readonly reason: string };

export interface TurnServerCheck {
  readonly allocated: boolean;
  readonly relayedAddress?: TransportAddress;
  /** Round trip of the authenticated Allocate, in ms; absent if it had to be retransmitted. */
  readonly rttMs?: number;
  /** Absent when no deniedPeer was given or allocation failed. */
  readonly deniedPeerRefused?: boolean;
  /** Why the check (or its denied-peer part) did not pass. */
  readonly failure?: TurnCheckFailure;
}

function describe(error: unknown): TurnCheckFailure {
  if (error instanceof TurnTimeoutError) return { code: 'timeout' };
  if (error instanceof TurnErrorResponse) {
    return { code: 'error-response', status: error.code, reason: error.reason };
  }
  if (error instanceof TurnIntegrityError) return { code: 'integrity' };
  return { code: 'client', reason: error instanceof Error ? error.message : String(error) };
}

export async function checkTurnServer(options: CheckTurnServerOptions): Promise<TurnServerCheck> {
  const client = await TurnClient.open({
    server: { address: options.host, port: options.port },
    username: options.username,
    credential: options.credential,
    timeoutMs: options.timeoutMs,
    rtoMs: Math.min(500, Math.max(50, Math.floor(options.timeoutMs / 8))),
    transport: options.transport ?? 'udp',
  });
  try {
    let allocation;
    try {
      allocation = await client.allocate();
    } catch (error) {
      return { allocated: false, failure: describe(error) };
    }
    const result: TurnServerCheck = {
      allocated: true,
      relayedAddress: allocation.relayed,
      ...(allocation.roundTripMs === undefined ? {} : { rttMs: allocation.roundTripMs }),
    };
    let deniedCheck: Pick<TurnServerCheck, 'deniedPeerRefused' | 'failure'> = {};
    if (options.deniedPeer !== undefined) {
      try {
        await client.createPermission(options.deniedPeer);
        deniedCheck = { deniedPeerRefused: false };
      } catch (error) {
        const refused = error instanceof TurnErrorResponse && error.code === 403;
        deniedCheck = refused
          ? { deniedPeerRefused: true }
          : { deniedPeerRefused: false, failure: describe(error) };
      }
    }
    // Release the allocation; a failure here does not change the verdict.
    await client.refresh(0).catch(() => undefined);
    return { ...result, ...deniedCheck };
  } finally {
    await client.close();
  }
}
