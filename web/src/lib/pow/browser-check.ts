/**
 * "Checking your browser…": fetches a proof-of-work challenge from this page's own origin and
 * solves it in our Web Worker. No request leaves the origin and nothing is stored: the solution
 * is used for one connection and forgotten.
 */
import {
  POW_CHALLENGE_PATH,
  type HandshakeAuth,
  type PowChallenge,
  type PowSolution,
} from '@mayfly/protocol';
import type { Clock } from '../clock';
import type { SolveReply, SolveRequest } from './solver';

/** A solved challenge, as the handshake's `auth.pow` carries it. */
export type PowProof = NonNullable<HandshakeAuth['pow']>;

/** The challenge could not be fetched (network, or the server is away): try again later. */
export class ChallengeUnavailableError extends Error {
  override name = 'ChallengeUnavailableError';
}

/** This browser cannot solve the challenge (no workers, a worker that failed, too slow). */
export class CheckFailedError extends Error {
  override name = 'CheckFailedError';
}

/** The part of a Worker this module uses; tests provide a fake. */
export interface WorkerLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  postMessage(request: SolveRequest): void;
  terminate(): void;
}

export interface BrowserCheckDeps {
  fetch(path: string, init: RequestInit): Promise<Response>;
  createWorker(): WorkerLike;
  clock: Clock;
  /** Longest a solve may take; the challenge expires soon after. @default 90000 */
  timeoutMs?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isPowChallenge(value: unknown): value is PowChallenge {
  return isRecord(value) && typeof value.signature === 'string' && isRecord(value.parameters);
}

export async function fetchChallenge(deps: Pick<BrowserCheckDeps, 'fetch'>): Promise<PowChallenge> {
  let body: unknown;
  try {
    const response = await deps.fetch(POW_CHALLENGE_PATH, {
      cache: 'no-store',
      credentials: 'omit',
    });
    if (!response.ok) throw new ChallengeUnavailableError(`HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    if (error instanceof ChallengeUnavailableError) throw error;
    throw new ChallengeUnavailableError((error as Error).name);
  }
  if (!isPowChallenge(body)) throw new CheckFailedError('not a challenge');
  return body;
}

/** Solves `challenge` in a fresh worker, which is ended as soon as it answers or times out. */
export function solveInWorker(
  challenge: PowChallenge,
  deps: Pick<BrowserCheckDeps, 'createWorker' | 'clock' | 'timeoutMs'>,
): Promise<PowSolution> {
  return new Promise((resolve, reject) => {
    let worker: WorkerLike;
    try {
      worker = deps.createWorker();
    } catch (error) {
      reject(new CheckFailedError(`no worker: ${(error as Error).name}`));
      return;
    }
    const finish = (outcome: () => void): void => {
      deps.clock.clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
      outcome();
    };
    const timer = deps.clock.setTimeout(() => {
      finish(() => reject(new CheckFailedError('timed out')));
    }, deps.timeoutMs ?? 90_000);
    worker.onmessage = ({ data }) => {
      const reply = data as SolveReply;
      finish(() => {
        if (reply.ok) resolve(reply.solution);
        else reject(new CheckFailedError(reply.error));
      });
    };
    // A worker that cannot load (blocked, unsupported) or crashed.
    worker.onerror = () => finish(() => reject(new CheckFailedError('worker failed')));
    worker.postMessage({ challenge });
  });
}

/** Fetches a challenge and solves it: the proof for the next connection attempt. */
export async function passBrowserCheck(deps: BrowserCheckDeps): Promise<PowProof> {
  const challenge = await fetchChallenge(deps);
  return { challenge, solution: await solveInWorker(challenge, deps) };
}

/** The real browser: `fetch` and our worker bundled by Vite (the `new URL` form is what it needs). */
export function browserCheck(clock: Clock): () => Promise<PowProof> {
  return () =>
    passBrowserCheck({
      fetch: (path, init) => fetch(path, init),
      createWorker: () =>
        new Worker(new URL('./pow-worker.ts', import.meta.url), {
          type: 'module',
          name: 'mayfly-pow',
        }) as unknown as WorkerLike,
      clock,
    });
}
