/**
 * The live allocations of one server, looked up by client 5-tuple and by
 * relay port, with the per-user quota. One class owns all of these so that
 * they cannot drift apart: an allocation is in every index, and counted in
 * its user's quota, or in none.
 */
import type { RelayAllocation } from './relay-allocation.js';

/** A quota slot taken while an allocation is being made (its relay port bound). */
export interface AllocationReservation {
  /**
   * Registers the allocation made (on the reserved 5-tuple, under the same
   * quota key); it keeps the slot until removed from the table.
   */
  commit(allocation: RelayAllocation): void;
  /** Gives the slot back, no allocation was made; false when already committed or cancelled. */
  cancel(): boolean;
}

export class AllocationTable {
  private readonly byFiveTuple = new Map<string, RelayAllocation>();
  private readonly byRelayPort = new Map<number, RelayAllocation>();
  private readonly perUser = new Map<string, number>();
  /** 5-tuples whose Allocate waits for a relay port, and those waits. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(private readonly maxPerUser: number) {}

  get size(): number {
    return this.byFiveTuple.size;
  }

  get(fiveTuple: string): RelayAllocation | undefined {
    return this.byFiveTuple.get(fiveTuple);
  }

  onRelayPort(port: number): RelayAllocation | undefined {
    return this.byRelayPort.get(port);
  }

  isPending(fiveTuple: string): boolean {
    return this.pending.has(fiveTuple);
  }

  all(): RelayAllocation[] {
    return [...this.byFiveTuple.values()];
  }

  /** Resolves once no allocation is being made any more. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.pending.values());
  }

  /**
   * Takes one of the quota slots of `quotaKey` for an allocation about to be
   * made on `fiveTuple`; undefined when the user has none left.
   */
  reserve(fiveTuple: string, quotaKey: string): AllocationReservation | undefined {
    if ((this.perUser.get(quotaKey) ?? 0) >= this.maxPerUser) return undefined;
    this.count(quotaKey, +1);
    let settle = (): void => undefined;
    this.pending.set(
      fiveTuple,
      new Promise<void>((resolve) => {
        settle = resolve;
      }),
    );
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      this.pending.delete(fiveTuple);
      settle();
      return true;
    };
    return {
      commit: (allocation) => {
        if (!finish()) return;
        this.byFiveTuple.set(fiveTuple, allocation);
        this.byRelayPort.set(allocation.relayed.port, allocation);
      },
      cancel: () => {
        if (!finish()) return false;
        this.count(quotaKey, -1);
        return true;
      },
    };
  }

  /** Forgets the allocation and frees its quota slot; false when it was not in the table. */
  remove(allocation: RelayAllocation): boolean {
    if (this.byFiveTuple.get(allocation.fiveTuple) !== allocation) return false;
    this.byFiveTuple.delete(allocation.fiveTuple);
    this.byRelayPort.delete(allocation.relayed.port);
    this.count(allocation.quotaKey, -1);
    return true;
  }

  private count(quotaKey: string, delta: 1 | -1): void {
    const count = (this.perUser.get(quotaKey) ?? 0) + delta;
    if (count > 0) this.perUser.set(quotaKey, count);
    else this.perUser.delete(quotaKey);
  }
}
