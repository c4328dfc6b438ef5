/**
 * Which peers an allocation of the embedded server may reach, and on which
 * ports. As in TURN itself, in two steps: a permission (CreatePermission,
 * ChannelBind) is for an IP address; data then goes to an address and port.
 *
 * - The peer policy (peer-policy.ts): the deny list, with the operator's
 *   `allowedPeers` as exceptions (any port).
 * - This server's own relay address is allowed, for relay to relay, but data
 *   toward it reaches only ports of live allocations; the server delivers
 *   that itself before asking {@link PeerAccess.maySend}.
 * - The local scope, for someone trying Mayfly out on one machine: when only
 *   one of two browsers there hides its IP address, the relay must reach the
 *   other browser's host candidate, an address of this very machine, which
 *   the deny list refuses. An allocation gets the scope only if it was made
 *   with a `local-` credential (signaling mints those only for a browser it
 *   judged to be on this machine; the HMAC makes them unforgeable) AND from an
 *   address of this machine (so a remote holder of one gains nothing). It may
 *   then reach this machine's non-loopback addresses on UDP ports >= 1024.
 */
import { isLocalCredentialId } from './credentials.js';
import { canonicalIp } from './ip-address.js';
import type { PeerCheck } from './peer-policy.js';

/** What granted a permission: the peer policy, or the local scope. */
export type PeerReach = 'policy' | 'local-scope';

/**
 * A permission for one peer IP: what it rests on, and what it lets data
 * reach, decided once when it is granted rather than for every datagram.
 */
export interface PeerGrant {
  readonly reach: PeerReach;
  /** Inside the operator's `allowedPeers`: every port. */
  readonly anyPort: boolean;
  /** This server's own relay address: reached only on ports of live allocations. */
  readonly ownRelayAddress: boolean;
}

/** An address of this machine, as `os.networkInterfaces()` lists it. */
export interface HostAddress {
  readonly address: string;
  /** Loopback. */
  readonly internal: boolean;
}

/** UDP ports below this belong to system services: the local scope never reaches them. */
export const LOCAL_SCOPE_MIN_PORT = 1024;

export interface PeerAccessConfig {
  /** The full policy: operator's allowed peers, this server's relay addresses, the deny list. */
  readonly isPeerAllowed: PeerCheck;
  /** Only the operator's `allowedPeers`: whether any port of such an address may be reached. */
  readonly isExplicitlyAllowed: PeerCheck;
  /** Canonical IP literals this server relays from and announces. */
  readonly ownRelayAddresses: readonly string[];
  /** Whether `local-` credentials get the local scope at all. */
  readonly localScope: boolean;
  /** This machine's addresses, read when a decision needs them. */
  readonly hostAddresses: () => readonly HostAddress[];
}

export class PeerAccess {
  constructor(private readonly config: PeerAccessConfig) {}

  /** Whether an allocation made from `clientIp` with credential id `credentialId` gets the local scope. */
  grantsLocalScope(credentialId: string | undefined, clientIp: string): boolean {
    if (!this.config.localScope || credentialId === undefined) return false;
    return isLocalCredentialId(credentialId) && this.isHostAddress(clientIp, true);
  }

  /** The permission a canonical `ip` would get; undefined when it must be refused (403). */
  permissionFor(ip: string, localScope: boolean): PeerGrant | undefined {
    let reach: PeerReach;
    if (localScope && this.isHostAddress(ip, false)) reach = 'local-scope';
    else if (this.config.isPeerAllowed(ip)) reach = 'policy';
    else return undefined;
    return {
      reach,
      anyPort: this.config.isExplicitlyAllowed(ip),
      ownRelayAddress: this.config.ownRelayAddresses.includes(ip),
    };
  }

  /**
   * Whether data may go out to `port` of a peer under `grant`. Data toward a
   * live allocation of this server never gets here.
   */
  maySend(grant: PeerGrant, port: number): boolean {
    if (grant.anyPort) return true;
    if (grant.reach === 'local-scope') return port >= LOCAL_SCOPE_MIN_PORT;
    return !grant.ownRelayAddress;
  }

  /** Loopback counts as this machine for a client's address, never for a peer's. */
  private isHostAddress(ip: string, includingLoopback: boolean): boolean {
    return this.config
      .hostAddresses()
      .some((entry) => (includingLoopback || !entry.internal) && canonicalIp(entry.address) === ip);
  }
}
