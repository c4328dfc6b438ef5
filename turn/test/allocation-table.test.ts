import { describe, expect, it } from 'vitest';
import { AllocationTable } from '../src/allocation-table.js';
import type { RelayAllocation } from '../src/relay-allocation.js';

/** The fields the table reads; no socket is needed to index an allocation. */
function allocation(fiveTuple: string, quotaKey: string, relayPort: number): RelayAllocation {
  return {
    fiveTuple,
    quotaKey,
    relayed: { address: '127.0.0.1', port: relayPort },
  } as RelayAllocation;
}

function table(maxPerUser = 2) {
  return { allocations: new AllocationTable(maxPerUser) };
}

describe('AllocationTable', () => {
  it('finds a committed allocation by 5-tuple and relay port', () => {
    const { allocations } = table();
    const made = allocation('UDP://a', 'alice', 50_000);

    allocations.reserve('UDP://a', 'alice')?.commit(made);

    expect(allocations.get('UDP://a')).toBe(made);
    expect(allocations.onRelayPort(50_000)).toBe(made);
    expect(allocations.size).toBe(1);
  });

  it('counts reservations against the quota until they are cancelled', () => {
    const { allocations } = table(2);
    const first = allocations.reserve('UDP://a', 'alice');
    allocations.reserve('UDP://b', 'alice');

    expect(allocations.reserve('UDP://c', 'alice')).toBeUndefined();
    expect(allocations.reserve('UDP://c', 'bob')).toBeDefined();
    expect(first?.cancel()).toBe(true);
    expect(first?.cancel()).toBe(false);
    expect(allocations.reserve('UDP://c', 'alice')).toBeDefined();
  });

  it('is pending between reservation and commit, and settles then', async () => {
    const { allocations } = table();
    const reservation = allocations.reserve('UDP://a', 'alice');
    let settled = false;
    const waiting = allocations.settled().then(() => (settled = true));

    expect(allocations.isPending('UDP://a')).toBe(true);
    await Promise.resolve();
    expect(settled).toBe(false);
    reservation?.commit(allocation('UDP://a', 'alice', 50_000));
    await waiting;

    expect(allocations.isPending('UDP://a')).toBe(false);
    expect(reservation?.cancel()).toBe(false);
  });

  it('forgets a removed allocation everywhere and frees its slot, once', () => {
    const { allocations } = table(1);
    const made = allocation('UDP://a', 'alice', 50_000);
    allocations.reserve('UDP://a', 'alice')?.commit(made);

    expect(allocations.remove(made)).toBe(true);
    expect(allocations.remove(made)).toBe(false);

    expect(allocations.get('UDP://a')).toBeUndefined();
    expect(allocations.onRelayPort(50_000)).toBeUndefined();
    expect(allocations.all()).toEqual([]);
    // The one slot is free again, and a second remove did not make room for two.
    expect(allocations.reserve('UDP://b', 'alice')).toBeDefined();
    expect(allocations.reserve('UDP://c', 'alice')).toBeUndefined();
  });
});
