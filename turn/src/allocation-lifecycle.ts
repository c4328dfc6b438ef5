/**
 * An allocation's life: the Allocate that makes it (quota, relay ports and
 * their reservations, RFC 8656 section 7.2), the Refresh that extends or
 * ends it (section 7.3), and its end by expiry, by its TCP connection
 * closing, or by the server closing. The allocation table holds what lives;
 * the data path starts relaying for each allocation made.
 */
import type { Socket } from 'node:dgram';
import type { AllocationReservation, AllocationTable } from './allocation-table.js';
import type { ClientLink } from './client-link.js';
import { ipFamilyOf } from './ip-address.js';
import type { IpFamily } from './ip-address.js';
import type { PeerAccess } from './peer-access.js';
import { PortReservations } from './port-reservations.js';
import { RelayAllocation } from './relay-allocation.js';
import type { RelayDataPath } from './relay-data-path.js';
import type { RequestOutcome } from './request-answer.js';
import { familyNumber, leadingByte, readAllocateRequest } from './request-attributes.js';
import type { AllocateRequest } from './request-attributes.js';
import type { Authenticated } from './rest-authentication.js';
import {
  AddressFamily,
  StunAttribute,
  encodeAddressErrorCode,
  encodeUint32,
  encodeXorAddress,
  findAttribute,
} from './stun.js';
import type { DecodedStunMessage, StunAttributeValue } from './stun.js';
import { errorCode } from './turn-log.js';
import type { AllocationCloseReason, TurnLog } from './turn-log.js';
import { bindRelaySockets } from './udp-sockets.js';

export interface AllocationLifecycleConfig {
  /** Canonical IP literal relay sockets bind to. */
  readonly relayBindAddress: string;
  /** Canonical IP literal announced in XOR-RELAYED-ADDRESS. */
  readonly announcedRelayAddress: string;
  readonly peerAccess: PeerAccess;
  readonly defaultLifetimeSeconds: number;
  readonly maxLifetimeSeconds: number;
  readonly relayPortRange: { readonly min: number; readonly max: number } | undefined;
  readonly now: () => number;
  readonly log: TurnLog;
}

/** Sends the answer to the request being handled. */
export type Respond = (outcome: RequestOutcome) => void;

/** An Allocate whose relay port is being bound. */
interface PendingAllocate {
  readonly request: AllocateRequest;
  readonly claimed: Socket | undefined;
  readonly reservation: AllocationReservation;
  readonly localScope: boolean;
  readonly transactionId: string;
}

export class AllocationLifecycle {
  private readonly relayFamily: IpFamily;
  private readonly reservations = new PortReservations();
  /** What each Allocate was answered, for its retransmissions (RFC 8656 section 7.2: the same answer). */
  private readonly allocateAnswers = new WeakMap<RelayAllocation, readonly StunAttributeValue[]>();
  private closing = false;

  constructor(
    private readonly config: AllocationLifecycleConfig,
    private readonly allocations: AllocationTable,
    private readonly dataPath: RelayDataPath,
  ) {
    this.relayFamily = ipFamilyOf(config.relayBindAddress);
  }

  /** The allocation on a 5-tuple; one whose lifetime ran out by the clock is closed now. */
  live(fiveTuple: string): RelayAllocation | undefined {
    const allocation = this.allocations.get(fiveTuple);
    if (allocation?.isExpired() !== true) return allocation;
    void this.close(allocation, 'expired');
    return undefined;
  }

  /** A TCP connection ended: its allocation goes with it (RFC 8656 section 7.2). */
  linkClosed(link: ClientLink): void {
    const allocation = this.allocations.get(link.key);
    if (allocation !== undefined) void this.close(allocation, 'connection-closed');
  }

  /**
   * An authenticated Allocate on `link`, whose 5-tuple has `existing`.
   * `respond` is called once, maybe after the relay port is bound, or not at
   * all when no answer is due (a retransmission while the first is being
   * handled, a link gone in the meantime, a defect of ours).
   */
  allocate(
    link: ClientLink,
    message: DecodedStunMessage,
    auth: Authenticated,
    existing: RelayAllocation | undefined,
    respond: Respond,
  ): void {
    const transactionId = message.transactionId.toString('hex');
    if (existing !== undefined) {
      // A retransmission gets the same answer; another Allocate on the 5-tuple, 437.
      const retransmitted =
        existing.transactionId === transactionId && existing.username === auth.username;
      respond(
        retransmitted
          ? (this.allocateAnswers.get(existing) ??
              allocateSuccess(existing, link, message, undefined, false))
          : { code: 437 },
      );
      return;
    }
    // A retransmission while the relay port is being bound: the first answer will do.
    if (this.allocations.isPending(link.key)) return;
    const request = readAllocateRequest(message, this.relayFamily);
    if ('code' in request) {
      respond(request);
      return;
    }
    let claimed: Socket | undefined;
    if (request.reservationToken !== undefined) {
      claimed = this.reservations.claim(request.reservationToken);
      if (claimed === undefined) {
        respond({ code: 508 });
        return;
      }
    }
    // The quota counts per credential id, so fresh credentials for one id share it.
    const reservation = this.allocations.reserve(link.key, auth.credentialId);
    if (reservation === undefined) {
      claimed?.close();
      this.config.log({ type: 'quota-exceeded' });
      respond({ code: 486 });
      return;
    }
    const localScope = this.config.peerAccess.grantsLocalScope(
      auth.credentialId,
      link.remote.address,
    );
    void this.makeAllocation(link, message, auth, respond, {
      request,
      claimed,
      reservation,
      localScope,
      transactionId,
    });
  }

  refresh(message: DecodedStunMessage, allocation: RelayAllocation | undefined): RequestOutcome {
    if (allocation === undefined) return { code: 437 };
    const family = leadingByte(findAttribute(message, StunAttribute.RequestedAddressFamily));
    if (family === 'malformed') return { code: 400 };
    if (family !== undefined && family !== familyNumber(allocation.family)) return { code: 443 };
    const lifetime = findAttribute(message, StunAttribute.Lifetime);
    if (lifetime !== undefined && lifetime.length !== 4) return { code: 400 };
    const requested = lifetime?.readUInt32BE(0);
    // RFC 8656 section 7.3: 0 deletes the allocation.
    if (requested === 0) {
      void this.close(allocation, 'released');
      return [{ type: StunAttribute.Lifetime, value: encodeUint32(0) }];
    }
    const lifetimeSeconds = this.grantedLifetime(requested);
    allocation.refresh(lifetimeSeconds);
    this.config.log({ type: 'allocation-refreshed', lifetimeSeconds });
    return [{ type: StunAttribute.Lifetime, value: encodeUint32(lifetimeSeconds) }];
  }

  /** Closes every allocation and reservation, once those being made are made. Idempotent. */
  async closeAll(): Promise<void> {
    this.closing = true;
    await this.allocations.settled();
    await Promise.all([
      ...this.allocations.all().map((allocation) => this.close(allocation, 'server-closed')),
      this.reservations.closeAll(),
    ]);
  }

  /** Binds the relay socket(s), then registers the allocation and answers. Never rejects. */
  private async makeAllocation(
    link: ClientLink,
    message: DecodedStunMessage,
    auth: Authenticated,
    respond: Respond,
    pending: PendingAllocate,
  ): Promise<void> {
    const { request, claimed, reservation } = pending;
    let sockets: Socket[];
    try {
      sockets =
        claimed !== undefined
          ? [claimed]
          : await bindRelaySockets(
              {
                family: this.relayFamily,
                address: this.config.relayBindAddress,
                portRange: this.config.relayPortRange,
                isTaken: (port) =>
                  this.allocations.onRelayPort(port) !== undefined ||
                  this.reservations.isReserved(port),
              },
              request.shape,
            );
    } catch (error) {
      reservation.cancel();
      this.config.log({ type: 'relay-port-unavailable' });
      this.config.log({ type: 'error', where: 'relay-bind', code: errorCode(error) });
      if (!this.closing) respond({ code: 508 });
      return;
    }
    const [relaySocket, reserved] = sockets;
    const closeSockets = (): void => {
      for (const socket of sockets) socket.close();
    };
    if (relaySocket === undefined || this.closing || !link.isOpen) {
      closeSockets();
      reservation.cancel();
      return;
    }
    try {
      const lifetimeSeconds = this.grantedLifetime(request.lifetime);
      const allocation = new RelayAllocation({
        link,
        transactionId: pending.transactionId,
        username: auth.username,
        quotaKey: auth.credentialId,
        localScope: pending.localScope,
        relaySocket,
        family: this.relayFamily,
        relayed: { address: this.config.announcedRelayAddress, port: relaySocket.address().port },
        lifetimeSeconds,
        now: this.config.now,
        onExpiry: (expired) => void this.close(expired, 'expired'),
      });
      reservation.commit(allocation);
      link.allocationChanged(true);
      this.dataPath.listenOnRelay(allocation);
      const token =
        reserved === undefined ? undefined : this.reservations.hold(reserved, allocation);
      const answer = allocateSuccess(
        allocation,
        link,
        message,
        token,
        request.refusedAdditionalFamily,
      );
      this.allocateAnswers.set(allocation, answer);
      respond(answer);
      this.config.log({
        type: 'allocation-created',
        relayPort: allocation.relayed.port,
        lifetimeSeconds,
        allocations: this.allocations.size,
        transport: link.transport,
      });
    } catch (error) {
      // Our fault, not the client's: report it as such and leak nothing.
      if (reservation.cancel()) closeSockets();
      this.config.log({ type: 'error', where: 'allocate', code: errorCode(error) });
    }
  }

  /** RFC 8656 sections 7.2 and 7.3: the requested lifetime capped at the maximum, never below the default. */
  private grantedLifetime(requested: number | undefined): number {
    const { defaultLifetimeSeconds, maxLifetimeSeconds } = this.config;
    return Math.max(
      defaultLifetimeSeconds,
      Math.min(requested ?? defaultLifetimeSeconds, maxLifetimeSeconds),
    );
  }

  private close(allocation: RelayAllocation, reason: AllocationCloseReason): Promise<void> {
    if (!this.allocations.remove(allocation)) return allocation.close();
    this.reservations.dropOwnedBy(allocation);
    this.config.log({ type: 'allocation-closed', reason, allocations: this.allocations.size });
    allocation.link.allocationChanged(false);
    return allocation.close();
  }
}

function allocateSuccess(
  allocation: RelayAllocation,
  link: ClientLink,
  message: DecodedStunMessage,
  reservationToken: Buffer | undefined,
  refusedAdditionalFamily: boolean,
): StunAttributeValue[] {
  const attributes: StunAttributeValue[] = [
    {
      type: StunAttribute.XorRelayedAddress,
      value: encodeXorAddress(allocation.relayed, message.transactionId),
    },
    { type: StunAttribute.Lifetime, value: encodeUint32(allocation.lifetimeSeconds) },
    {
      type: StunAttribute.XorMappedAddress,
      value: encodeXorAddress(link.remote, message.transactionId),
    },
  ];
  if (reservationToken !== undefined) {
    attributes.push({ type: StunAttribute.ReservationToken, value: reservationToken });
  }
  if (refusedAdditionalFamily) {
    attributes.push({
      type: StunAttribute.AddressErrorCode,
      value: encodeAddressErrorCode(AddressFamily.IPv6, 440, 'Address Family not Supported'),
    });
  }
  return attributes;
}
