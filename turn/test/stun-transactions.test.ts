/**
 * The TURN client's transactions on fake timers: when a request is sent
 * again, when it is given up, and which round trip counts.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StunClass, StunMethod, decodeStunMessage, encodeStunMessage } from '../src/stun.js';
import type { DecodedStunMessage } from '../src/stun.js';
import { StunTransactions } from '../src/stun-transactions.js';
import { TurnTimeoutError } from '../src/turn-client-errors.js';

function responseTo(transactionId: Buffer): DecodedStunMessage {
  const message = decodeStunMessage(
    encodeStunMessage({
      method: StunMethod.Binding,
      class: StunClass.SuccessResponse,
      transactionId,
      attributes: [],
    }),
  );
  if (message === undefined) throw new Error('the test response does not decode');
  return message;
}

/** Transactions whose transmissions are recorded with the fake time they left at. */
function transactions(reliable: boolean) {
  const sentAt: number[] = [];
  const stun = new StunTransactions({
    reliable,
    rtoMs: 100,
    timeoutMs: 1000,
    transmit: () => sentAt.push(Date.now()),
  });
  return { stun, sentAt };
}

/** One request, answered after `afterMs` of fake time. */
async function answeredAfter(reliable: boolean, afterMs: number) {
  const { stun, sentAt } = transactions(reliable);
  const transactionId = randomBytes(12);
  const response = stun.run('Binding', transactionId, Buffer.alloc(20));
  await vi.advanceTimersByTimeAsync(afterMs);
  stun.answer(responseTo(transactionId));
  return { sentAt, response: await response };
}

describe('StunTransactions', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a request again over UDP, each time after twice the wait, until answered', async () => {
    const { sentAt, response } = await answeredAfter(false, 750);

    expect(sentAt).toEqual([0, 100, 300, 700]);
    // Karn's rule: a retransmitted request says nothing of the round trip.
    expect(response.roundTripMs).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2000);
    expect(sentAt).toHaveLength(4);
  });

  it('sends a request once over TCP, and measures its round trip', async () => {
    const { sentAt, response } = await answeredAfter(true, 500);

    expect(sentAt).toEqual([0]);
    expect(response.roundTripMs).toEqual(expect.any(Number));
  });

  it('gives up at the deadline with a TurnTimeoutError, and ignores a late answer', async () => {
    const { stun } = transactions(false);
    const transactionId = randomBytes(12);
    const response = stun.run('Allocate', transactionId, Buffer.alloc(20));
    const outcome = expect(response).rejects.toThrow(TurnTimeoutError);

    await vi.advanceTimersByTimeAsync(1000);
    await outcome;
    expect(() => stun.answer(responseTo(transactionId))).not.toThrow();
  });

  it('fails every waiting transaction at once, and answers none of them later', async () => {
    const { stun, sentAt } = transactions(false);
    const first = stun.run('Refresh', randomBytes(12), Buffer.alloc(20));
    const second = stun.run('Refresh', randomBytes(12), Buffer.alloc(20));

    stun.failAll(new Error('client closed'));

    await expect(first).rejects.toThrow('client closed');
    await expect(second).rejects.toThrow('client closed');
    await vi.advanceTimersByTimeAsync(2000);
    expect(sentAt).toEqual([0, 0]);
  });
});
