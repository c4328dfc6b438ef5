/**
 * Data relayed to the TURN client (Data indications and ChannelData), held
 * until a reader asks for it, or handed to a reader already waiting.
 */
import type { TransportAddress } from './stun.js';
import { TurnTimeoutError } from './turn-client-errors.js';

export interface RelayedData {
  readonly peer: TransportAddress;
  readonly data: Buffer;
  readonly via: 'data-indication' | 'channel-data';
}

interface DataWaiter {
  readonly accept: (data: RelayedData) => boolean;
  readonly resolve: (data: RelayedData) => void;
  readonly reject: (error: Error) => void;
}

export class RelayedDataInbox {
  private readonly received: RelayedData[] = [];
  private readonly waiters = new Set<DataWaiter>();

  /** To the first waiter that accepts it, else kept for a later reader. */
  deliver(data: RelayedData): void {
    for (const waiter of this.waiters) {
      if (waiter.accept(data)) {
        waiter.resolve(data);
        return;
      }
    }
    this.received.push(data);
  }

  /**
   * Resolves with the first data `accept` takes, of what was kept or what
   * comes next; rejects with TurnTimeoutError after `timeoutMs`.
   */
  next(accept: (data: RelayedData) => boolean, timeoutMs: number): Promise<RelayedData> {
    const index = this.received.findIndex(accept);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as RelayedData);
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: DataWaiter = {
        accept,
        resolve: (data) => {
          settle();
          resolve(data);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => waiter.reject(new TurnTimeoutError('relayed data')),
        timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  /** Fails every reader still waiting. */
  failWaiting(error: Error): void {
    for (const waiter of [...this.waiters]) waiter.reject(error);
  }
}
