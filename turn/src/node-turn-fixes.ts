/**
 * node-turn 0.0.6, made fit to face strangers. THE one place that touches
 * node-turn's internals.
 *
 * node-turn is abandoned upstream (last commit 2020). We keep its STUN codec,
 * its request dispatch and its long-term authentication flow, and replace, on
 * each server instance we build, every method that has a defect. Per instance
 * rather than on node-turn's prototypes: each server has its own secret,
 * clock, peer policy and quota, and nothing else that loads node-turn in the
 * process changes behind its back.
 *
 * Defects (numbered as in the table of turn/README.md, which names their
 * regression tests), and where each is fixed:
 *  1. ChannelBind success lacks MESSAGE-INTEGRITY .............. channelBind()
 *  2. ChannelData from clients is never parsed ................. onDatagram(), relay-data-path.ts
 *  3. Refresh/Allocate lifetime typos and the NaN timer ........ allocate(), refresh(), RelayAllocation
 *  4. Auth off by default; `constructor` authenticates ......... constructor, rest-authentication.ts
 *  5. No peer policy, no quota ................................. createPermission(), channelBind(),
 *                                                                peer-access.ts, relay-data-path.ts,
 *                                                                AllocationTable
 *  6. Relay sockets, nonce timers and listeners outlive use .... RelayAllocation, stateless-nonce.ts,
 *                                                                close()
 *  7. UDP only ................................................. allocate() answers 442 to TCP
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { AllocationTable } from './allocation-table.js';
import { parseTurnUsername } from './credentials.js';
import {
  canonicalIp,
  formatIp,
  formatIpv6Expanded,
  ipFamily,
  ipFamilyOf,
  parseIp,
} from './ip-address.js';
import type { IpFamily } from './ip-address.js';
import {
  NODE_TURN_CONSTANTS,
  NodeTurnAddressClass,
  NodeTurnMessageClass,
  NodeTurnServerClass,
  NodeTurnTransportClass,
} from './node-turn-internals.js';
import type {
  NodeTurnAddress,
  NodeTurnMessage,
  NodeTurnServer,
  NodeTurnTransport,
} from './node-turn-internals.js';
import type { PeerAccess, PeerReach } from './peer-access.js';
import { RelayAllocation } from './relay-allocation.js';
import { RelayDataPath } from './relay-data-path.js';
import { installRestAuthentication, restCredentials } from './rest-authentication.js';
import { bindRelaySocket, bindUdp } from './udp-sockets.js';
import { TRANSPORT_UDP } from './stun.js';
import { errorCode } from './turn-log.js';
import type { AllocationCloseReason, TurnLog } from './turn-log.js';

export interface FixedTurnServerConfig {
  /** Canonical IP literal to listen on. */
  readonly listenAddress: string;
  readonly port: number;
  /** Canonical IP literal relay sockets bind to. */
  readonly relayBindAddress: string;
  /** Canonical IP literal announced in XOR-RELAYED-ADDRESS. */
  readonly announcedRelayAddress: string;
  readonly realm: string;
  readonly secret: string;
  readonly peerAccess: PeerAccess;
  readonly maxAllocationsPerUser: number;
  readonly defaultLifetimeSeconds: number;
  readonly maxLifetimeSeconds: number;
  readonly relayPortRange: { readonly min: number; readonly max: number } | undefined;
  readonly nonceLifetimeSeconds: number;
  readonly now: () => number;
  readonly log: TurnLog;
}

const UDP = NODE_TURN_CONSTANTS.TRANSPORT.PROTOCOL.UDP;

/** node-turn's text form of an address: dotted IPv4 or eight-group IPv6. */
function nodeTurnAddress(ip: string, port: number): NodeTurnAddress {
  const bytes = parseIp(ip);
  if (bytes === undefined) throw new RangeError('not an IP address');
  return new NodeTurnAddressClass(
    ipFamily(bytes) === 4 ? formatIp(bytes) : formatIpv6Expanded(bytes),
    port,
  );
}

export class FixedTurnServer {
  private readonly server: NodeTurnServer;
  private readonly relayFamily: IpFamily;
  private readonly allocations: AllocationTable;
  private readonly dataPath: RelayDataPath;
  private listener: Socket | undefined;
  private listenerAddress: NodeTurnAddress | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly config: FixedTurnServerConfig) {
    this.relayFamily = ipFamilyOf(config.relayBindAddress);
    this.server = new NodeTurnServerClass({
      listeningIps: [config.listenAddress],
      // Defect 4: node-turn's default authMech is 'none', an open relay.
      authMech: 'long-term',
      realm: config.realm,
      credentials: restCredentials(config.secret, config.now),
      debugLevel: 'ERROR',
      // node-turn's own log lines contain client and peer addresses; keep only error codes.
      log: () => undefined,
      debug: (level, message) => {
        if (level === 'ERROR' || level === 'FATAL') {
          config.log({ type: 'error', where: 'node-turn', code: errorCode(message) });
        }
      },
    });
    this.server.allocations = Object.create(null) as NodeTurnServer['allocations'];
    this.allocations = new AllocationTable(config.maxAllocationsPerUser, this.server.allocations);
    installRestAuthentication(this.server.authentification, config);
    this.dataPath = new RelayDataPath({
      allocations: this.allocations,
      peerAccess: config.peerAccess,
      listener: () => this.listener,
      log: config.log,
    });
    this.server.allocate.allocate = (message, reply) => this.allocate(message, reply);
    this.server.refresh.refresh = (message, reply) => this.refresh(message, reply);
    this.server.createPermission.createPermission = (message, reply) =>
      this.createPermission(message, reply);
    this.server.channelBind.channelBind = (message, reply) => this.channelBind(message, reply);
    this.server.send.send = (message) => this.send(message);
  }

  allocationCount(): number {
    return this.allocations.size;
  }

  /**
   * Binds the listening socket and resolves with its port. Replaces
   * node-turn's Network, which binds without reporting failure or the port
   * and hands every datagram to the STUN parser, ChannelData included.
   */
  async listen(): Promise<number> {
    const socket = await bindUdp(
      ipFamilyOf(this.config.listenAddress),
      this.config.listenAddress,
      this.config.port,
    );
    socket.on('error', (error) => {
      this.config.log({ type: 'error', where: 'listener', code: errorCode(error) });
    });
    socket.on('message', (datagram, sender) => this.onDatagram(socket, datagram, sender));
    this.listener = socket;
    const { port } = socket.address();
    this.listenerAddress = nodeTurnAddress(this.config.listenAddress, port);
    this.config.log({ type: 'listening', port });
    return port;
  }

  /**
   * Defect 6: node-turn's stop() closed only the listening sockets; relay
   * sockets and timers kept the process alive. This closes everything.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const listener = this.listener;
      this.listener = undefined;
      await this.allocations.settled();
      await Promise.all(
        this.allocations
          .all()
          .map((allocation) => this.closeAllocation(allocation, 'server-closed')),
      );
      if (listener !== undefined) await new Promise<void>((resolve) => listener.close(resolve));
      this.config.log({ type: 'closed' });
    })();
    return this.closing;
  }

  /**
   * A datagram that does not parse is the sender's fault and logged as
   * `malformed-datagram`; anything that throws afterwards, in node-turn's
   * dispatch or in our handlers, is a defect of this server, logged as an
   * `error` so that it is not mistaken for noise from the network.
   */
  private onDatagram(listener: Socket, datagram: Buffer, sender: RemoteInfo): void {
    if (this.closing !== undefined || this.listenerAddress === undefined) return;
    try {
      const client = nodeTurnAddress(sender.address, sender.port);
      const transport = new NodeTurnTransportClass(UDP, client, this.listenerAddress, listener);
      const fiveTuple = transport.get5Tuple();
      const allocation = this.allocations.get(fiveTuple);
      // Lifetimes follow the injected clock too, not only the expiry timer.
      if (allocation?.isExpired() === true) void this.closeAllocation(allocation, 'expired');
      // Defect 2: ChannelData starts with bits 01; node-turn's Message.read
      // rejected it, so client-to-peer media on a bound channel was lost.
      if ((datagram[0] ?? 0) >> 6 === 0b01) {
        if (allocation !== undefined) this.dataPath.relayChannelData(allocation, datagram);
        return;
      }
      const message = this.parseStunMessage(transport, datagram);
      if (message !== undefined) this.server.emit('message', message);
    } catch (error) {
      this.config.log({ type: 'error', where: 'datagram-handler', code: errorCode(error) });
    }
  }

  /** The STUN message in a datagram; undefined, and logged, when it is not one. */
  private parseStunMessage(
    transport: NodeTurnTransport,
    datagram: Buffer,
  ): NodeTurnMessage | undefined {
    const message = new NodeTurnMessageClass(this.server, transport);
    try {
      // node-turn's parser returns false on a bad header and throws on
      // truncated or unknown attributes.
      if (message.read(datagram)) return message;
    } catch {
      this.config.log({ type: 'malformed-datagram' });
    }
    return undefined;
  }

  private allocate(message: NodeTurnMessage, reply: NodeTurnMessage): void {
    const fiveTuple = message.transport.get5Tuple();
    const existing = this.allocations.get(fiveTuple);
    if (existing !== undefined) {
      // Defect 3: node-turn answered a retransmitted Allocate by calling
      // update() without a lifetime, arming a NaN timer that fired at once and
      // dropped the allocation. Answer it again and change nothing.
      if (existing.transactionID === message.transactionID) {
        this.answerAllocate(existing, message, reply);
        return;
      }
      reply.reject(437, 'Allocation Mismatch');
      return;
    }
    // A retransmission while the relay port is being bound: the first answer will do.
    if (this.allocations.isPending(fiveTuple)) return reply.discard();
    const requestedTransport = message.getAttribute('requested-transport');
    if (requestedTransport === undefined) return reply.reject(400, 'Bad Request');
    // Defect 7: UDP relays only (RFC 8656 code 442); TCP relaying is not implemented.
    if (requestedTransport !== TRANSPORT_UDP) {
      return reply.reject(442, 'Unsupported Transport Protocol');
    }
    // node-turn's reservation path throws and its EVEN-PORT handling is a TODO;
    // RFC 8656 lets a server answer 508 to both.
    if (
      message.getAttribute('reservation-token') !== undefined ||
      message.getAttribute('even-port') !== undefined
    ) {
      return reply.reject(508, 'Insufficient Capacity');
    }
    const username = message.user?.username;
    if (username === undefined) return reply.reject(401, 'Unauthorized');
    // Quota is per credential id (`<expiry>:<id>`), so fresh credentials for one id share it.
    const parsed = parseTurnUsername(username, this.config.now());
    const quotaKey = parsed.ok ? parsed.id : username;
    const localScope = this.config.peerAccess.grantsLocalScope(
      parsed.ok ? parsed.id : undefined,
      canonicalIp(message.transport.src.address) ?? '',
    );
    // Defect 5: node-turn's checkQuota() was a TODO returning true.
    const reservation = this.allocations.reserve(fiveTuple, quotaKey);
    if (reservation === undefined) {
      this.config.log({ type: 'quota-exceeded' });
      return reply.reject(486, 'Allocation Quota Reached');
    }
    // Defect 3: node-turn read the requested lifetime as `liftetime`, so it never saw one.
    const lifetimeSeconds = this.grantedLifetime(message.getAttribute('lifetime'));
    bindRelaySocket({
      family: this.relayFamily,
      address: this.config.relayBindAddress,
      portRange: this.config.relayPortRange,
      isTaken: (port) => this.allocations.onRelayPort(port) !== undefined,
    }).then(
      (relaySocket) => {
        if (this.closing !== undefined) {
          relaySocket.close();
          reservation.cancel();
          return;
        }
        try {
          const allocation = new RelayAllocation({
            fiveTuple,
            transactionId: message.transactionID,
            username,
            quotaKey,
            localScope,
            relaySocket,
            relayed: {
              address: this.config.announcedRelayAddress,
              port: relaySocket.address().port,
            },
            client: { address: message.transport.src.address, port: message.transport.src.port },
            lifetimeSeconds,
            now: this.config.now,
            onExpiry: (expired) => void this.closeAllocation(expired, 'expired'),
          });
          reservation.commit(allocation);
          this.dataPath.listenOnRelay(allocation);
          this.answerAllocate(allocation, message, reply);
          this.config.log({
            type: 'allocation-created',
            relayPort: allocation.relayed.port,
            lifetimeSeconds,
            allocations: this.allocations.size,
          });
        } catch (error) {
          // Our fault, not the client's: report it as such and leak nothing.
          if (reservation.cancel()) relaySocket.close();
          this.config.log({ type: 'error', where: 'allocate', code: errorCode(error) });
        }
      },
      (error: unknown) => {
        reservation.cancel();
        this.config.log({ type: 'relay-port-unavailable' });
        this.config.log({ type: 'error', where: 'relay-bind', code: errorCode(error) });
        if (this.closing === undefined) reply.reject(508, 'Insufficient Capacity');
      },
    );
  }

  /**
   * RFC 8656 sections 7.2 and 7.3: the requested lifetime capped at the
   * maximum, but never below the default (also when none is requested).
   */
  private grantedLifetime(requested: number | undefined): number {
    const { defaultLifetimeSeconds, maxLifetimeSeconds } = this.config;
    return Math.max(
      defaultLifetimeSeconds,
      Math.min(requested ?? defaultLifetimeSeconds, maxLifetimeSeconds),
    );
  }

  private answerAllocate(
    allocation: RelayAllocation,
    message: NodeTurnMessage,
    reply: NodeTurnMessage,
  ): void {
    reply.addAttribute(
      'xor-relayed-address',
      nodeTurnAddress(allocation.relayed.address, allocation.relayed.port),
    );
    reply.addAttribute('lifetime', allocation.lifetimeSeconds);
    reply.addAttribute('xor-mapped-address', message.transport.src);
    reply.addAttribute('message-integrity');
    reply.resolve();
  }

  /** Defect 6: node-turn's expiry only forgot the allocation; its relay socket stayed open. */
  private closeAllocation(
    allocation: RelayAllocation,
    reason: AllocationCloseReason,
  ): Promise<void> {
    if (!this.allocations.remove(allocation)) return allocation.close();
    this.config.log({ type: 'allocation-closed', reason, allocations: this.allocations.size });
    return allocation.close();
  }

  private allocationOf(message: NodeTurnMessage): RelayAllocation | undefined {
    return this.allocations.get(message.transport.get5Tuple());
  }

  private refresh(message: NodeTurnMessage, reply: NodeTurnMessage): void {
    const allocation = this.allocationOf(message);
    if (allocation === undefined) return reply.reject(437, 'Allocation Mismatch');
    // Defect 3: node-turn read `defaultLifetime` and `maxAllocateTimeout`,
    // which do not exist, so every Refresh armed a NaN timer and the
    // allocation died. RFC 8656 section 7.3: 0 deletes the allocation.
    const requested = message.getAttribute('lifetime');
    if (requested === 0) {
      void this.closeAllocation(allocation, 'released');
      reply.addAttribute('lifetime', 0);
    } else {
      const lifetimeSeconds = this.grantedLifetime(requested);
      allocation.refresh(lifetimeSeconds);
      reply.addAttribute('lifetime', lifetimeSeconds);
      this.config.log({ type: 'allocation-refreshed', lifetimeSeconds });
    }
    reply.addAttribute('message-integrity');
    reply.resolve();
  }

  /**
   * Checks one XOR-PEER-ADDRESS. Defect 5: node-turn's 403 was a TODO and it
   * relayed to loopback and private networks. Returns the canonical peer IP
   * and what its permission rests on, or the error to answer with.
   */
  private checkPeer(
    allocation: RelayAllocation,
    peer: NodeTurnAddress,
  ): { ip: string; reach: PeerReach } | { code: number; reason: string } {
    const ip = canonicalIp(peer.address);
    if (ip === undefined) return { code: 400, reason: 'Bad Request' };
    const reach = this.config.peerAccess.permissionFor(ip, allocation.localScope);
    if (reach === undefined) return { code: 403, reason: 'Forbidden' };
    if (ipFamilyOf(ip) !== this.relayFamily) {
      return { code: 443, reason: 'Peer Address Family Mismatch' };
    }
    return { ip, reach };
  }

  private createPermission(message: NodeTurnMessage, reply: NodeTurnMessage): void {
    const allocation = this.allocationOf(message);
    if (allocation === undefined) return reply.reject(437, 'Allocation Mismatch');
    const peers = message.getAttributes('xor-peer-address');
    if (peers.length === 0) return reply.reject(400, 'Bad Request');
    const granted: { ip: string; reach: PeerReach }[] = [];
    // All or nothing (RFC 8656 section 9.2): one refused peer refuses the request.
    for (const peer of peers) {
      const verdict = this.checkPeer(allocation, peer);
      if ('code' in verdict) {
        if (verdict.code === 403)
          this.config.log({ type: 'peer-denied', request: 'create-permission' });
        return reply.reject(verdict.code, verdict.reason);
      }
      granted.push(verdict);
    }
    for (const { ip, reach } of granted) allocation.permit(ip, reach);
    reply.addAttribute('message-integrity');
    reply.resolve();
  }

  private channelBind(message: NodeTurnMessage, reply: NodeTurnMessage): void {
    const allocation = this.allocationOf(message);
    if (allocation === undefined) return reply.reject(437, 'Allocation Mismatch');
    const channel = message.getAttribute('channel-number');
    const peer = message.getAttribute('xor-peer-address');
    if (channel === undefined || peer === undefined || channel < 0x4000 || channel > 0x7ffe) {
      return reply.reject(400, 'Bad Request');
    }
    const verdict = this.checkPeer(allocation, peer);
    if ('code' in verdict) {
      if (verdict.code === 403) this.config.log({ type: 'peer-denied', request: 'channel-bind' });
      return reply.reject(verdict.code, verdict.reason);
    }
    const bound = allocation.bindChannel(
      channel,
      { address: verdict.ip, port: peer.port },
      verdict.reach,
    );
    if (bound !== 'bound') return reply.reject(400, 'Bad Request');
    // Defect 1: node-turn answered without MESSAGE-INTEGRITY. Chrome ignores
    // such an answer, retransmits for ~40 s, then drops the TURN entry: the
    // call died after about 75 s.
    reply.addAttribute('message-integrity');
    reply.resolve();
  }

  /** Send indication: client to peer, unauthenticated by design, so permission-checked. */
  private send(message: NodeTurnMessage): void {
    const allocation = this.allocationOf(message);
    const peer = message.getAttribute('xor-peer-address');
    const data = message.getAttribute('data');
    const ip = peer === undefined ? undefined : canonicalIp(peer.address);
    if (allocation === undefined || peer === undefined || data === undefined || ip === undefined) {
      return;
    }
    this.dataPath.relayToPeer(allocation, { address: ip, port: peer.port }, data);
  }
}
