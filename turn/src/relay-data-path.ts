/**
 * The relay's data plane: client to peer (Send indications and ChannelData)
 * and peer to client (Data indications and ChannelData), with the checks
 * every datagram needs. The requests that set up what this consults are
 * handled elsewhere: allocations in allocation-lifecycle.ts, permissions and
 * channels in peer-requests.ts.
 */
import type { AllocationTable } from './allocation-table.js';
import { canonicalIp } from './ip-address.js';
import type { PeerAccess } from './peer-access.js';
import type { RelayAllocation } from './relay-allocation.js';
import {
  StunMethod,
  decodeChannelData,
  encodeChannelData,
  encodePeerDataIndication,
} from './stun.js';
import type { TransportAddress } from './stun.js';
import { errorCode } from './turn-log.js';
import type { TurnLog } from './turn-log.js';

export interface RelayDataPathDeps {
  readonly allocations: AllocationTable;
  readonly peerAccess: PeerAccess;
  readonly log: TurnLog;
}

/** Payload bytes relayed since the server started, each way (no addresses, no allocations). */
export interface RelayedBytes {
  /** From clients to their peers (Send indications and ChannelData). */
  readonly toPeers: number;
  /** From peers to the clients (Data indications and ChannelData). */
  readonly toClients: number;
}

export class RelayDataPath {
  #toPeers = 0;
  #toClients = 0;

  constructor(private readonly deps: RelayDataPathDeps) {}

  get relayedBytes(): RelayedBytes {
    return { toPeers: this.#toPeers, toClients: this.#toClients };
  }

  /** Peer to client: everything the allocation's relay socket receives. */
  listenOnRelay(allocation: RelayAllocation): void {
    // A udp4 socket reports dotted quads, which are canonical already.
    const canonical =
      allocation.family === 4
        ? (address: string) => address
        : (address: string) => canonicalIp(address);
    allocation.relaySocket.on('message', (data, sender) => {
      const address = canonical(sender.address);
      if (address !== undefined) {
        this.deliverFromPeer(allocation, { address, port: sender.port }, data);
      }
    });
    allocation.relaySocket.on('error', (error) => {
      this.deps.log({ type: 'error', where: 'relay', code: errorCode(error) });
    });
  }

  /** ChannelData from a client goes to the peer bound to its channel; unbound channels are dropped. */
  relayChannelData(allocation: RelayAllocation, frame: Buffer): void {
    const channelData = decodeChannelData(frame);
    if (channelData === undefined) return;
    const peer = allocation.peerOnChannel(channelData.channel);
    if (peer !== undefined) this.relayToPeer(allocation, peer, channelData.data);
  }

  /**
   * Client to peer. Relay-to-relay: this server's own relay address is an
   * allowed peer so that two strangers who both hide behind the relay can
   * talk. Data toward it is handed straight to the allocation on that port;
   * any other port of it, and of this machine, only as peer-access.ts
   * allows: the relay must not become a way into other UDP services of this
   * host.
   */
  relayToPeer(allocation: RelayAllocation, peer: TransportAddress, data: Buffer): void {
    const grant = allocation.permissionOf(peer.address);
    if (allocation.isClosed || grant === undefined) return;
    if (grant.ownRelayAddress) {
      const target = this.deps.allocations.onRelayPort(peer.port);
      if (target !== undefined) {
        // Relay to relay: counted once, on its way to the other client.
        this.deliverFromPeer(target, allocation.relayed, data);
        return;
      }
    }
    if (!this.deps.peerAccess.maySend(grant, peer.port)) {
      this.deps.log({
        type: grant.reach === 'local-scope' ? 'local-scope-port-dropped' : 'relay-to-self-dropped',
      });
      return;
    }
    // No callback: a failed send is reported by the socket's 'error' event (listenOnRelay).
    allocation.relaySocket.send(data, peer.port, peer.address);
    this.#toPeers += data.length;
  }

  /** Peer to client: ChannelData when a channel is bound to the peer, else a Data indication. */
  private deliverFromPeer(allocation: RelayAllocation, peer: TransportAddress, data: Buffer): void {
    const { link } = allocation;
    if (!link.isOpen || allocation.isClosed || allocation.isExpired()) return;
    if (!allocation.hasPermission(peer.address)) return;
    const channel = allocation.channelForPeer(peer);
    this.#toClients += data.length;
    link.send(
      channel !== undefined
        ? encodeChannelData(channel, data, link.padsChannelData)
        : encodePeerDataIndication(StunMethod.Data, peer, data),
      'data',
    );
  }
}
