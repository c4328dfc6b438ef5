/**
 * One TURN allocation: a relay socket, its permissions and channel bindings,
 * and its lifetime. It does no protocol work itself (allocation-lifecycle.ts
 * and peer-requests.ts do).
 */
import type { Socket } from 'node:dgram';
import type { ClientLink } from './client-link.js';
import type { IpFamily } from './ip-address.js';
import type { PeerGrant } from './peer-access.js';
import type { TransportAddress } from './stun.js';

/** RFC 8656: permissions last 5 minutes, channel bindings 10. */
export const PERMISSION_LIFETIME_MS = 300_000;
export const CHANNEL_BINDING_LIFETIME_MS = 600_000;

export interface RelayAllocationInit {
  /** Whence the client talks to us; its key is the allocation's 5-tuple. */
  readonly link: ClientLink;
  /** Of the Allocate request (hex), to recognise its retransmissions. */
  readonly transactionId: string;
  /** The credential that made it; later requests must use the same (441 otherwise). */
  readonly username: string;
  /** Key of the per-user allocation quota. */
  readonly quotaKey: string;
  /** Whether the allocation may reach this machine's own addresses (see peer-access.ts). */
  readonly localScope: boolean;
  readonly relaySocket: Socket;
  readonly family: IpFamily;
  /** The relayed transport address as announced to the client. */
  readonly relayed: TransportAddress;
  readonly lifetimeSeconds: number;
  readonly now: () => number;
  /** Called once when the lifetime runs out without a refresh. */
  readonly onExpiry: (allocation: RelayAllocation) => void;
}

interface Permission {
  readonly grant: PeerGrant;
  readonly expiresAt: number;
}

interface ChannelBinding {
  readonly peer: TransportAddress;
  readonly expiresAt: number;
}

export type ChannelBindResult = 'bound' | 'channel-taken' | 'peer-on-other-channel';

function endpointKey(peer: TransportAddress): string {
  return `${peer.address} ${peer.port}`;
}

export class RelayAllocation {
  readonly transactionId: string;
  readonly username: string;
  readonly link: ClientLink;
  readonly quotaKey: string;
  readonly localScope: boolean;
  readonly relaySocket: Socket;
  readonly family: IpFamily;
  readonly relayed: TransportAddress;
  private readonly now: () => number;
  private readonly onExpiry: (allocation: RelayAllocation) => void;
  private readonly permissions = new Map<string, Permission>();
  private readonly channels = new Map<number, ChannelBinding>();
  /** The same bindings by peer endpoint, for the peer-to-client direction. */
  private readonly channelOfPeer = new Map<string, number>();
  private expiresAt = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  lifetimeSeconds = 0;

  constructor(init: RelayAllocationInit) {
    this.transactionId = init.transactionId;
    this.username = init.username;
    this.link = init.link;
    this.quotaKey = init.quotaKey;
    this.localScope = init.localScope;
    this.relaySocket = init.relaySocket;
    this.family = init.family;
    this.relayed = init.relayed;
    this.now = init.now;
    this.onExpiry = init.onExpiry;
    this.refresh(init.lifetimeSeconds);
  }

  /** The 5-tuple this allocation is bound to. */
  get fiveTuple(): string {
    return this.link.key;
  }

  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /** Expired by the injected clock, even if the timer has not fired yet. */
  isExpired(): boolean {
    return this.now() >= this.expiresAt;
  }

  /** Restarts the lifetime. The timer is unref'd: an allocation never keeps the process alive. */
  refresh(lifetimeSeconds: number): void {
    this.lifetimeSeconds = lifetimeSeconds;
    this.expiresAt = this.now() + lifetimeSeconds * 1000;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.onExpiry(this), lifetimeSeconds * 1000).unref();
  }

  /** Installs or refreshes a permission for a canonical peer IP. */
  permit(peerIp: string, grant: PeerGrant): void {
    this.permissions.set(peerIp, { grant, expiresAt: this.now() + PERMISSION_LIFETIME_MS });
  }

  /** The live permission for a canonical peer IP; undefined when there is none. */
  permissionOf(peerIp: string): PeerGrant | undefined {
    const permission = this.permissions.get(peerIp);
    return permission !== undefined && this.now() < permission.expiresAt
      ? permission.grant
      : undefined;
  }

  hasPermission(peerIp: string): boolean {
    return this.permissionOf(peerIp) !== undefined;
  }

  /** Binds or refreshes a channel to a peer (canonical IP) under RFC 8656 section 12.2 rules. */
  bindChannel(channel: number, peer: TransportAddress, grant: PeerGrant): ChannelBindResult {
    const existing = this.liveBinding(channel);
    if (existing !== undefined && endpointKey(existing.peer) !== endpointKey(peer)) {
      return 'channel-taken';
    }
    const current = this.channelForPeer(peer);
    if (current !== undefined && current !== channel) return 'peer-on-other-channel';
    const stale = this.channels.get(channel);
    if (stale !== undefined && this.channelOfPeer.get(endpointKey(stale.peer)) === channel) {
      this.channelOfPeer.delete(endpointKey(stale.peer));
    }
    this.channels.set(channel, { peer, expiresAt: this.now() + CHANNEL_BINDING_LIFETIME_MS });
    this.channelOfPeer.set(endpointKey(peer), channel);
    this.permit(peer.address, grant);
    return 'bound';
  }

  peerOnChannel(channel: number): TransportAddress | undefined {
    return this.liveBinding(channel)?.peer;
  }

  channelForPeer(peer: TransportAddress): number | undefined {
    const channel = this.channelOfPeer.get(endpointKey(peer));
    return channel !== undefined && this.liveBinding(channel) !== undefined ? channel : undefined;
  }

  /** Stops the timer and closes the relay socket; resolves once the socket is closed. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      clearTimeout(this.expiryTimer);
      this.relaySocket.close(() => resolve());
    });
    return this.closing;
  }

  private liveBinding(channel: number): ChannelBinding | undefined {
    const binding = this.channels.get(channel);
    return binding !== undefined && this.now() < binding.expiresAt ? binding : undefined;
  }
}
