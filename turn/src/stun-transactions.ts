/**
 * The TURN client's STUN transactions (RFC 8489 section 6.2): a request
 * waits for the response with its transaction id. Over UDP it is sent again
 * with a doubling timeout until then; over TCP the transport retransmits.
 */
import { performance } from 'node:perf_hooks';
import type { DecodedStunMessage } from './stun.js';
import { TurnTimeoutError } from './turn-client-errors.js';

export interface TurnResponse {
  readonly message: DecodedStunMessage;
  /** From first transmission to answer; undefined when retransmitted (Karn's rule). */
  readonly roundTripMs: number | undefined;
}

export interface StunTransactionsOptions {
  /** Whether the transport retransmits itself (TCP), so that STUN must not. */
  readonly reliable: boolean;
  /** First retransmission timeout; doubles on each retransmission. */
  readonly rtoMs: number;
  /** Gives up on a transaction after this long. */
  readonly timeoutMs: number;
  /** Sends bytes to the server; throws when that is no longer possible. */
  readonly transmit: (datagram: Buffer) => void;
}

interface PendingTransaction {
  readonly resolve: (message: DecodedStunMessage) => void;
  readonly reject: (error: Error) => void;
  retransmitTimer: NodeJS.Timeout;
  readonly deadline: NodeJS.Timeout;
}

export class StunTransactions {
  private readonly pending = new Map<string, PendingTransaction>();

  constructor(private readonly options: StunTransactionsOptions) {}

  /**
   * Sends `datagram`, a request with `transactionId`, and resolves with its
   * response; rejects with TurnTimeoutError (naming `method`) at the deadline.
   */
  run(method: string, transactionId: Buffer, datagram: Buffer): Promise<TurnResponse> {
    const key = transactionId.toString('hex');
    const startedAt = performance.now();
    let rto = this.options.rtoMs;
    let retransmitted = false;
    return new Promise((resolve, reject) => {
      const retransmit = (): void => {
        if (this.options.reliable) return;
        retransmitted = true;
        this.options.transmit(datagram);
        rto *= 2;
        transaction.retransmitTimer = setTimeout(retransmit, rto);
      };
      const transaction: PendingTransaction = {
        resolve: (message) =>
          resolve({
            message,
            roundTripMs: retransmitted ? undefined : performance.now() - startedAt,
          }),
        reject,
        retransmitTimer: setTimeout(retransmit, rto),
        deadline: setTimeout(() => {
          this.settle(key)?.reject(new TurnTimeoutError(method));
        }, this.options.timeoutMs),
      };
      this.pending.set(key, transaction);
      this.options.transmit(datagram);
    });
  }

  /** A response from the server: ends the transaction it answers, if one still waits. */
  answer(response: DecodedStunMessage): void {
    this.settle(response.transactionId.toString('hex'))?.resolve(response);
  }

  /** Fails every transaction still waiting. */
  failAll(error: Error): void {
    for (const key of [...this.pending.keys()]) this.settle(key)?.reject(error);
  }

  /** Forgets a transaction and stops its timers; returns it if it was still pending. */
  private settle(key: string): PendingTransaction | undefined {
    const transaction = this.pending.get(key);
    if (transaction === undefined) return undefined;
    this.pending.delete(key);
    clearTimeout(transaction.retransmitTimer);
    clearTimeout(transaction.deadline);
    return transaction;
  }
}
