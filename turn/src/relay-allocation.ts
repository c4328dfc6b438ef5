/**
 * One TURN allocation: a relay socket, its permissions and channel bindings,
 * and its lifetime. Replaces node-turn's Allocation class (see
 * node-turn-fixes.ts for why); it does no protocol work itself.
 */
import type { Socket } from 'node:dgram';
import type { PeerReach } from './peer-access.js';
import type { TransportAddress } from './stun.js';

/** RFC 8656: permissions last 5 minutes, channel bindings 10. */
export const PERMISSION_LIFETIME_MS = 300_000;
export const CHANNEL_BINDING_LIFETIME_MS = 600_000;

export interface RelayAllocationInit {
  /** node-turn's key for the client's 5-tuple. */
  readonly fiveTuple: string;
  /** Of the Allocate request, to recognise its retransmissions. */
  readonly transactionId: string;
  readonly username: string;
  /** Key of the per-user allocation quota. */
  readonly quotaKey: string;
  /** Whether the allocation may reach this machine's own addresses (see peer-access.ts). */
  readonly localScope: boolean;
  readonly relaySocket: Socket;
  /** The relayed transport address as announced to the client. */
  readonly relayed: TransportAddress;
  /** Where the client's datagrams come from, in the form the listening socket sends to. */
  readonly client: TransportAddress;
  readonly lifetimeSeconds: number;
  readonly now: () => number;
  /** Called once when the lifetime runs out without a refresh. */
  readonly onExpiry: (allocation: RelayAllocation) => void;
}

interface Permission {
  readonly reach: PeerReach;
  readonly expiresAt: number;
}

interface ChannelBinding {
  readonly peer: TransportAddress;
  expiresAt: number;
}

export type ChannelBindResult = 'bound' | 'channel-taken' | 'peer-on-other-channel';

export class RelayAllocation {
  /** Read by node-turn's dispatch (retransmission check); node-turn's spelling. */
  readonly transactionID: string;
  /** Read by node-turn's dispatch (441 Wrong Credentials check). */
  readonly user: { readonly username: string };
  readonly fiveTuple: string;
  readonly quotaKey: string;
  readonly localScope: boolean;
  readonly relaySocket: Socket;
  readonly relayed: TransportAddress;
  readonly client: TransportAddress;
  private readonly now: () => number;
  private readonly onExpiry: (allocation: RelayAllocation) => void;
  private readonly permissions = new Map<string, Permission>();
  private readonly channels = new Map<number, ChannelBinding>();
  private expiresAt = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  lifetimeSeconds = 0;

  constructor(init: RelayAllocationInit) {
    this.transactionID = init.transactionId;
    this.user = { username: init.username };
    this.fiveTuple = init.fiveTuple;
    this.quotaKey = init.quotaKey;
    this.localScope = init.localScope;
    this.relaySocket = init.relaySocket;
    this.relayed = init.relayed;
    this.client = init.client;
    this.now = init.now;
    this.onExpiry = init.onExpiry;
    this.refresh(init.lifetimeSeconds);
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

  /** Installs or refreshes a permission for a canonical peer IP, granted by `reach`. */
  permit(peerIp: string, reach: PeerReach): void {
    this.permissions.set(peerIp, { reach, expiresAt: this.now() + PERMISSION_LIFETIME_MS });
  }

  /** What the live permission for a canonical peer IP rests on; undefined when there is none. */
  permissionOf(peerIp: string): PeerReach | undefined {
    const permission = this.permissions.get(peerIp);
    return permission !== undefined && this.now() < permission.expiresAt
      ? permission.reach
      : undefined;
  }

  hasPermission(peerIp: string): boolean {
    return this.permissionOf(peerIp) !== undefined;
  }

  /** Binds or refreshes a channel to a peer (canonical IP) under RFC 8656 section 12.2 rules. */
  bindChannel(channel: number, peer: TransportAddress, reach: PeerReach): ChannelBindResult {
    const existing = this.liveBinding(channel);
    if (existing !== undefined && !sameEndpoint(existing.peer, peer)) return 'channel-taken';
    const current = this.channelForPeer(peer);
    if (current !== undefined && current !== channel) return 'peer-on-other-channel';
    this.channels.set(channel, { peer, expiresAt: this.now() + CHANNEL_BINDING_LIFETIME_MS });
    this.permit(peer.address, reach);
    return 'bound';
  }

  peerOnChannel(channel: number): TransportAddress | undefined {
    return this.liveBinding(channel)?.peer;
  }

  channelForPeer(peer: TransportAddress): number | undefined {
    for (const [channel, binding] of this.channels) {
      if (sameEndpoint(binding.peer, peer) && this.now() < binding.expiresAt) return channel;
    }
    return undefined;
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

function sameEndpoint(a: TransportAddress, b: TransportAddress): boolean {
  return a.address === b.address && a.port === b.port;
}
