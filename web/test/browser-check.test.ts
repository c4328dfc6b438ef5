import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PowChallenge } from '@mayfly/protocol';
import {
  ChallengeUnavailableError,
  CheckFailedError,
  fetchChallenge,
  passBrowserCheck,
  solveInWorker,
  type WorkerLike,
} from '../src/lib/pow/browser-check';
import { answerSolveRequest, type SolveRequest } from '../src/lib/pow/solver';
import { flush, ManualClock } from './fakes';

/** A challenge solved at counter 7. */
function challenge(): PowChallenge {
  const salt = '11'.repeat(16);
  const nonce = '22'.repeat(16);
  const digest = createHash('sha256')
    .update(Buffer.from(`${salt}${nonce}00000007`, 'hex'))
    .digest('hex');
  return {
    parameters: {
      algorithm: 'SHA-256',
      nonce,
      salt,
      cost: 1,
      keyLength: 32,
      keyPrefix: digest.slice(0, 32),
    },
    signature: 'ab'.repeat(32),
  };
}

/** A worker that runs the real solver in this thread, or misbehaves as told. */
class FakeWorker implements WorkerLike {
  onmessage: WorkerLike['onmessage'] = null;
  onerror: WorkerLike['onerror'] = null;
  terminated = false;
  readonly requests: SolveRequest[] = [];
  constructor(private readonly behaviour: 'solve' | 'crash' | 'hang' = 'solve') {}
  postMessage(request: SolveRequest): void {
    this.requests.push(request);
    queueMicrotask(() => {
      if (this.behaviour === 'solve') {
        this.onmessage?.({ data: answerSolveRequest(request, () => 0) });
      } else if (this.behaviour === 'crash') {
        this.onerror?.(new Event('error'));
      }
    });
  }
  terminate(): void {
    this.terminated = true;
  }
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('browser check: fetching and solving in a worker', () => {
  it('fetches a challenge from its own origin, uncached, solves it in a worker, ends the worker', async () => {
    const requests: { path: string; init: RequestInit }[] = [];
    const worker = new FakeWorker();
    const proof = await passBrowserCheck({
      fetch: (path, init) => {
        requests.push({ path, init });
        return Promise.resolve(jsonResponse(challenge()));
      },
      createWorker: () => worker,
      clock: new ManualClock(),
    });
    expect(requests).toEqual([
      { path: '/pow-challenge', init: { cache: 'no-store', credentials: 'omit' } },
    ]);
    expect(proof.challenge).toEqual(challenge());
    expect(proof.solution.counter).toBe(7);
    expect(worker.terminated).toBe(true);
  });

  it('fails the check when the worker cannot load or crashes', async () => {
    const worker = new FakeWorker('crash');
    const clock = new ManualClock();
    await expect(solveInWorker(challenge(), { createWorker: () => worker, clock })).rejects.toThrow(
      CheckFailedError,
    );
    expect(worker.terminated).toBe(true);
    const noWorkers = () => {
      throw new ReferenceError('Worker is not defined');
    };
    await expect(solveInWorker(challenge(), { createWorker: noWorkers, clock })).rejects.toThrow(
      CheckFailedError,
    );
  });

  it('gives up on a worker that takes too long, and ends it', async () => {
    const worker = new FakeWorker('hang');
    const clock = new ManualClock();
    const solving = solveInWorker(challenge(), {
      createWorker: () => worker,
      clock,
      timeoutMs: 5000,
    });
    let outcome: unknown;
    solving.catch((error: unknown) => (outcome = error));
    await clock.advance(4999);
    expect(outcome).toBeUndefined();
    await clock.advance(1);
    await flush();
    expect(outcome).toBeInstanceOf(CheckFailedError);
    expect(worker.terminated).toBe(true);
  });

  it('tells a server it cannot reach from a check that cannot pass', async () => {
    const offline = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetchChallenge({ fetch: offline })).rejects.toThrow(ChallengeUnavailableError);
    const unavailable = () => Promise.resolve(jsonResponse({ error: 'busy' }, 503));
    await expect(fetchChallenge({ fetch: unavailable })).rejects.toThrow(ChallengeUnavailableError);
    const notAChallenge = () => Promise.resolve(jsonResponse({ hello: 'world' }));
    await expect(fetchChallenge({ fetch: notAChallenge })).rejects.toThrow(CheckFailedError);
  });
});
