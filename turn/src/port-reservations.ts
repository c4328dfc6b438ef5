/**
 * Relay ports held for a later Allocate (RFC 8656 section 7.2, EVEN-PORT with
 * the R bit): an Allocate asking for an even port and the next gets the even
 * one and a RESERVATION-TOKEN; an Allocate carrying that token gets the odd
 * one (RTP and RTCP on adjacent ports). A reservation lasts 30 seconds, as
 * RFC 8656 suggests, and never outlives the allocation that made it, so
 * there are never more reservations than allocations.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';

export const RESERVATION_LIFETIME_MS = 30_000;

interface Reservation {
  readonly socket: Socket;
  readonly owner: object;
  readonly timer: NodeJS.Timeout;
}

export class PortReservations {
  private readonly byToken = new Map<string, Reservation>();
  private readonly byPort = new Map<number, string>();

  /** Holds `socket` for whoever presents the returned 8-byte token; `owner` is the allocation that made it. */
  hold(socket: Socket, owner: object): Buffer {
    const token = randomBytes(8);
    const key = token.toString('hex');
    const timer = setTimeout(() => this.drop(key), RESERVATION_LIFETIME_MS).unref();
    this.byToken.set(key, { socket, owner, timer });
    this.byPort.set(socket.address().port, key);
    return token;
  }

  /** The reserved socket, now the caller's; undefined for an unknown or lapsed token. */
  claim(token: Buffer): Socket | undefined {
    const key = token.toString('hex');
    const reservation = this.byToken.get(key);
    if (reservation === undefined) return undefined;
    this.forget(key, reservation);
    return reservation.socket;
  }

  isReserved(port: number): boolean {
    return this.byPort.has(port);
  }

  /** Closes what `owner` reserved and nobody claimed. */
  dropOwnedBy(owner: object): void {
    for (const [key, reservation] of this.byToken) {
      if (reservation.owner === owner) this.drop(key);
    }
  }

  get size(): number {
    return this.byToken.size;
  }

  closeAll(): Promise<void> {
    const closing = [...this.byToken.entries()].map(([key, reservation]) => {
      this.forget(key, reservation);
      return new Promise<void>((resolve) => reservation.socket.close(() => resolve()));
    });
    return Promise.all(closing).then(() => undefined);
  }

  private drop(key: string): void {
    const reservation = this.byToken.get(key);
    if (reservation === undefined) return;
    this.forget(key, reservation);
    reservation.socket.close();
  }

  private forget(key: string, reservation: Reservation): void {
    clearTimeout(reservation.timer);
    this.byToken.delete(key);
    this.byPort.delete(reservation.socket.address().port);
  }
}
