import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mintTurnCredential } from '../src/index.js';
import { TurnErrorResponse } from '../src/stun-client.js';
import type { TurnClient } from '../src/stun-client.js';
import { LOOPBACK, SECRET, startEchoPeer, startTestTurn } from './helpers.js';

async function expectTurnError(promise: Promise<unknown>, code: number): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TurnErrorResponse);
  expect((error as TurnErrorResponse).code).toBe(code);
}

/** Whether a UDP port on loopback can be bound, i.e. no relay socket holds it. */
function isPortFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: LOOPBACK, exclusive: true }, () => {
      socket.close(() => resolve(true));
    });
  });
}

/** Relays one datagram to the echo peer and back: proves the allocation works. */
async function roundTrip(
  client: TurnClient,
  peer: { address: string; port: number },
): Promise<string> {
  const payload = randomBytes(8).toString('hex');
  client.sendIndication(peer, Buffer.from(payload));
  const answer = await client.nextData((data) => data.data.toString() === payload);
  return answer.data.toString();
}

afterEach(() => {
  vi.useRealTimers();
});

describe('allocation lifetimes (defect 3)', () => {
  it('grants the requested lifetime within [default, max] on Allocate', async () => {
    const { client } = await startTestTurn({
      defaultLifetimeSeconds: 600,
      maxLifetimeSeconds: 3600,
    });
    const lifetimeFor = async (requested?: number): Promise<number> =>
      (
        await (
          await client()
        ).allocate(requested === undefined ? {} : { lifetimeSeconds: requested })
      ).lifetimeSeconds;

    expect(await lifetimeFor()).toBe(600);
    expect(await lifetimeFor(1200)).toBe(1200);
    expect(await lifetimeFor(99_999)).toBe(3600);
    expect(await lifetimeFor(60)).toBe(600);
  });

  it('grants the requested lifetime on Refresh between the default and the max (RFC 8656 7.3)', async () => {
    const { client } = await startTestTurn({
      defaultLifetimeSeconds: 600,
      maxLifetimeSeconds: 3600,
    });
    const alice = await client();
    await alice.allocate();

    expect(await alice.refresh(1800)).toBe(1800);
    expect(await alice.refresh(60)).toBe(600);
    expect(await alice.refresh()).toBe(600);
    expect(await alice.refresh(99_999)).toBe(3600);
  });

  it('keeps an allocation alive past its first lifetime when refreshed', async () => {
    const { client, clock, turn } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    await alice.allocate();
    await alice.createPermission(LOOPBACK);

    clock.advanceSeconds(500);
    await alice.refresh();
    clock.advanceSeconds(500);
    // Permissions last 5 minutes on their own; renew the one that lapsed meanwhile.
    await alice.createPermission(LOOPBACK);

    expect(await roundTrip(alice, echo.address)).toMatch(/^[0-9a-f]{16}$/u);
    expect(turn.allocationCount()).toBe(1);
  });

  it('answers a retransmitted Allocate again instead of dropping the allocation', async () => {
    const { client, turn } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const echo = await startEchoPeer();
    const alice = await client();
    // Also defect 7: a TCP relay is refused with 442 (and the client learns realm and nonce).
    await expectTurnError(alice.allocate({ requestedTransport: 6 }), 442);
    const transactionId = randomBytes(12);

    const first = await alice.allocate({ transactionId });
    const again = await alice.allocate({ transactionId });

    expect(again.relayed).toEqual(first.relayed);
    await alice.createPermission(LOOPBACK);
    expect(await roundTrip(alice, echo.address)).toHaveLength(16);
    expect(turn.allocationCount()).toBe(1);
  });

  it('answers a second Allocate on the same 5-tuple with 437', async () => {
    const { client } = await startTestTurn();
    const alice = await client();
    await alice.allocate();

    await expectTurnError(alice.allocate(), 437);
  });
});

describe('closing allocations (defect 6)', () => {
  it('closes the relay socket when the lifetime runs out by the clock', async () => {
    const { client, clock, turn } = await startTestTurn();
    const alice = await client();
    const { relayed } = await alice.allocate();
    expect(await isPortFree(relayed.port)).toBe(false);

    clock.advanceSeconds(600);

    // Any datagram on the 5-tuple notices the expiry; the allocation is gone.
    await expectTurnError(alice.refresh(), 437);
    expect(turn.allocationCount()).toBe(0);
    expect(await isPortFree(relayed.port)).toBe(true);
  });

  it('closes the relay socket when the expiry timer fires, with no traffic at all', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { client, turn, nextEvent } = await startTestTurn();
    const alice = await client();
    const { relayed } = await alice.allocate();
    const closed = nextEvent('allocation-closed');

    vi.advanceTimersByTime(600_000);

    expect(await closed).toEqual({ type: 'allocation-closed', reason: 'expired', allocations: 0 });
    vi.useRealTimers();
    expect(turn.allocationCount()).toBe(0);
    expect(await isPortFree(relayed.port)).toBe(true);
  });

  it('closes the relay socket on Refresh with lifetime 0', async () => {
    const { client, turn } = await startTestTurn();
    const alice = await client();
    const { relayed } = await alice.allocate();

    expect(await alice.refresh(0)).toBe(0);

    expect(turn.allocationCount()).toBe(0);
    expect(await isPortFree(relayed.port)).toBe(true);
  });
});

describe('allocation quota (defect 5)', () => {
  it('answers 486 once a credential id holds maxAllocationsPerUser allocations', async () => {
    const { client, clock, events, credential } = await startTestTurn({ maxAllocationsPerUser: 2 });
    // Fresh credentials for the same id share the quota.
    const minted = (): ReturnType<typeof mintTurnCredential> =>
      mintTurnCredential({ secret: SECRET, ttlSeconds: 3600, id: 'alice', now: clock.now() });
    const first = await client(minted());
    await first.allocate();
    clock.advanceSeconds(1);
    await (await client(minted())).allocate();

    await expectTurnError((await client(minted())).allocate(), 486);
    await expect((await client(credential('bob'))).allocate()).resolves.toBeDefined();
    expect(events).toContainEqual({ type: 'quota-exceeded' });

    await first.refresh(0);
    await expect((await client(minted())).allocate()).resolves.toBeDefined();
  });
});
