import { describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../src/index.js';
import { TurnErrorResponse } from '../src/stun-client.js';
import { LOOPBACK, SECRET, startTestTurn } from './helpers.js';

async function expectTurnError(promise: Promise<unknown>, code: number): Promise<void> {
  await expect(promise).rejects.toThrow(TurnErrorResponse);
  await promise.catch((error: unknown) => {
    expect((error as TurnErrorResponse).code).toBe(code);
  });
}

describe('authentication of the embedded server (defect 4)', () => {
  it('allocates a relay for a valid REST API credential', async () => {
    const { client, turn } = await startTestTurn();
    const alice = await client();

    const allocation = await alice.allocate();

    expect(allocation.relayed.address).toBe(LOOPBACK);
    expect(allocation.relayed.port).toBeGreaterThan(0);
    expect(allocation.mapped).toEqual({ address: LOOPBACK, port: alice.localPort });
    expect(turn.allocationCount()).toBe(1);
  });

  it('refuses a client without credentials: node-turn used to run an open relay', async () => {
    const { client, turn } = await startTestTurn();
    const anonymous = await client(null);

    await expectTurnError(anonymous.allocate(), 401);
    expect(turn.allocationCount()).toBe(0);
  });

  it('refuses an expired credential', async () => {
    const { client, clock, events } = await startTestTurn();
    const expired = mintTurnCredential({
      secret: SECRET,
      ttlSeconds: 60,
      id: 'late',
      now: clock.now() - 120_000,
    });
    const late = await client(expired);

    await expectTurnError(late.allocate(), 401);
    expect(events).toContainEqual({ type: 'auth-rejected', reason: 'expired' });
  });

  it('refuses a forged credential', async () => {
    const { client, events } = await startTestTurn();
    const forger = await client({ credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });

    await expectTurnError(forger.allocate(), 401);
    expect(events).toContainEqual({ type: 'auth-rejected', reason: 'forged' });
  });

  it.each([
    // With a plain object as node-turn's credential store these found
    // Object.prototype members: `constructor` authenticated with String(Object).
    ['constructor', String(Object)],
    ['__proto__', String(Object.prototype)],
    ['toString', String(Object.prototype.toString)],
    ['hasOwnProperty', String(Object.prototype.hasOwnProperty)],
    ['alice', 'password'],
    ['1700000000', 'no id part'],
  ])('refuses the malformed username %j', async (username, credential) => {
    const { client, events, turn } = await startTestTurn();
    const intruder = await client({ username, credential });

    await expectTurnError(intruder.allocate(), 401);
    expect(turn.allocationCount()).toBe(0);
    expect(events).toContainEqual({ type: 'auth-rejected', reason: 'malformed-username' });
  });

  it('stops refreshing an allocation once its credential has expired', async () => {
    const { client, clock } = await startTestTurn({ maxLifetimeSeconds: 3600 });
    const credential = mintTurnCredential({ secret: SECRET, ttlSeconds: 120, now: clock.now() });
    const alice = await client(credential);
    await alice.allocate({ lifetimeSeconds: 3600 });

    clock.advanceSeconds(121);

    await expectTurnError(alice.refresh(600), 401);
  });

  it('answers a stale nonce with 438, after which the client carries on with a fresh one', async () => {
    const { client, clock, events } = await startTestTurn({ maxLifetimeSeconds: 3600 });
    const alice = await client();
    await alice.allocate({ lifetimeSeconds: 3600 });

    clock.advanceSeconds(601);

    await expect(alice.createPermission(LOOPBACK)).resolves.toBeUndefined();
    expect(events).toContainEqual({ type: 'auth-rejected', reason: 'stale-nonce' });
  });

  it('logs metadata only: no credential, username or address', async () => {
    const { client, events, credential } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const minted = credential('alice');
    const alice = await client(minted);
    await alice.allocate();
    await alice.createPermission(LOOPBACK);
    const overTcp = await client(minted, { transport: 'tcp' });
    await overTcp.allocate();
    await overTcp.allocate().catch(() => undefined);
    await overTcp.close();
    await (
      await client({ credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })
    )
      .allocate()
      .catch(() => undefined);

    const logged = JSON.stringify(events);
    expect(events.length).toBeGreaterThan(2);
    for (const secretish of [minted.username, minted.credential, 'alice', LOOPBACK, SECRET]) {
      expect(logged).not.toContain(secretish);
    }
  });
});
