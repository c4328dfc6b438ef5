/**
 * Proof of work in the handshake, with a real server and real socket.io clients. Challenges are
 * solved here with altcha-lib's own solver, an implementation independent of the web client's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  POW_CHALLENGE_PATH,
  type HandshakeAuth,
  type PowChallenge,
  type PowSolution,
} from '@mayfly/protocol';
import { solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { parseConfig } from '../src/config.js';
import {
  AttemptRate,
  CHALLENGE_TTL_MS,
  localUsedChallenges,
  powSecrets,
  ProofOfWork,
  RATE_WINDOW_MS,
} from '../src/proof-of-work.js';
import {
  attempt as attemptWith,
  type Client,
  fetchChallenge,
  ManualClock,
  solved,
  startServer,
  type TestServer,
} from './helpers.js';

let server: TestServer | undefined;
const openClients: Client[] = [];

const attempt = (target: TestServer, auth?: HandshakeAuth) =>
  attemptWith(target, auth, openClients);

afterEach(async () => {
  for (const socket of openClients.splice(0)) socket.disconnect();
  await server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

/** POW on, with the smallest difficulty: these tests are about the protocol, not the work. */
async function serve(env: Record<string, string> = {}, clock?: ManualClock): Promise<TestServer> {
  server = await startServer(
    { POW: 'on', POW_DIFFICULTY: '1000', ...env },
    clock === undefined ? {} : { clock },
  );
  return server;
}

const refused = (code: string) => ({ admitted: false, data: { code } });

describe('proof of work in the handshake', () => {
  it('serves a fresh, signed, expiring challenge that nothing may cache', async () => {
    const target = await serve();
    const response = await fetch(`${target.url}${POW_CHALLENGE_PATH}`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const challenge = (await response.json()) as PowChallenge;
    expect(challenge.parameters).toMatchObject({ algorithm: 'SHA-256', cost: 1, keyLength: 32 });
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/u);
    expect(challenge.parameters.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect((await fetchChallenge(target)).parameters.nonce).not.toBe(challenge.parameters.nonce);
  });

  it('refuses a connection without a solution with pow_required, before it counts', async () => {
    const target = await serve();
    expect(await attempt(target)).toEqual(refused('pow_required'));
    expect(await attempt(target, {})).toEqual(refused('pow_required'));
    expect(target.app.signaling.io.sockets.sockets.size).toBe(0);
    expect(await target.app.signaling.matching.counts()).toMatchObject({ connected: 0 });
  });

  it('admits and welcomes a connection that brings a solved challenge', async () => {
    const target = await serve();
    const result = await attempt(target, await solved(target));
    expect(result).toMatchObject({ admitted: true, welcome: { protocolVersion: 1 } });
  });

  it('refuses a solution that was already used (pow_replayed)', async () => {
    const target = await serve();
    const auth = await solved(target);
    expect(await attempt(target, auth)).toMatchObject({ admitted: true });
    expect(await attempt(target, auth)).toEqual(refused('pow_replayed'));
  });

  it('refuses a challenge that expired before the solution came (pow_expired)', async () => {
    const clock = new ManualClock(Date.now());
    const target = await serve({}, clock);
    const auth = await solved(target);
    clock.advance(CHALLENGE_TTL_MS + 1000);
    expect(await attempt(target, auth)).toEqual(refused('pow_expired'));
  });

  it('checks the signature before the expiry: a forged challenge in the past is pow_invalid, not pow_expired', async () => {
    const clock = new ManualClock(Date.now());
    const target = await serve({}, clock);
    const good = await solved(target);
    if (good.pow === undefined) throw new Error('no solution');
    const { challenge, solution } = good.pow;
    const past = { ...challenge.parameters, expiresAt: Math.floor(clock.now() / 1000) - 60 };
    expect(
      await attempt(target, { pow: { challenge: { ...challenge, parameters: past }, solution } }),
    ).toEqual(refused('pow_invalid'));
  });

  it('refuses the right key with a counter that does not give it (pow_invalid)', async () => {
    const target = await serve();
    const good = await solved(target);
    if (good.pow === undefined) throw new Error('no solution');
    const { challenge, solution } = good.pow;
    for (const counter of [solution.counter + 1, 0 === solution.counter ? 1 : 0]) {
      expect(
        await attempt(target, { pow: { challenge, solution: { ...solution, counter } } }),
      ).toEqual(refused('pow_invalid'));
    }
    // The honest solution still works: the refusals spent nothing.
    expect(await attempt(target, good)).toMatchObject({ admitted: true });
  });

  it('refuses a wrong answer, a forged challenge and malformed auth (pow_invalid)', async () => {
    const target = await serve();
    const good = await solved(target);
    if (good.pow === undefined) throw new Error('no solution');
    const { challenge, solution } = good.pow;
    const wrongKey = { ...solution, derivedKey: '00'.repeat(32) };
    expect(await attempt(target, { pow: { challenge, solution: wrongKey } })).toEqual(
      refused('pow_invalid'),
    );
    // An easier challenge of one's own making, or one signed with another key.
    const forged = { ...challenge, parameters: { ...challenge.parameters, keyPrefix: '00' } };
    expect(await attempt(target, { pow: { challenge: forged, solution } })).toEqual(
      refused('pow_invalid'),
    );
    const other = await startServer({ POW: 'on', POW_DIFFICULTY: '1000' });
    try {
      expect(await attempt(target, await solved(other))).toEqual(refused('pow_invalid'));
    } finally {
      await other.close();
    }
    const junk = { pow: { challenge: { parameters: { nonce: 7 } }, solution: 'x' } };
    expect(await attempt(target, junk as unknown as HandshakeAuth)).toEqual(refused('pow_invalid'));
    // The real solution was never spent by the refusals above.
    expect(await attempt(target, good)).toMatchObject({ admitted: true });
  });

  it('POW=off lets every connection in, solution or not', async () => {
    const target = await serve({ POW: 'off' });
    expect(await attempt(target)).toMatchObject({ admitted: true });
  });

  it('POW=auto turns on under a burst of connection attempts and off after a quiet minute', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const clock = new ManualClock(Date.now());
    const target = await serve({ POW: 'auto', POW_AUTO_CONNECTIONS_PER_MINUTE: '3' }, clock);
    for (let i = 0; i < 3; i++) {
      expect(await attempt(target)).toMatchObject({ admitted: true });
      clock.advance(1000);
    }
    expect(target.app.proofOfWork.on).toBe(false);
    expect(await attempt(target), 'the fourth attempt in a minute').toEqual(
      refused('pow_required'),
    );
    expect(target.app.proofOfWork.on).toBe(true);
    expect(log).toHaveBeenLastCalledWith(expect.stringContaining('proof of work on: 4'));
    expect(await attempt(target, await solved(target))).toMatchObject({ admitted: true });

    clock.advance(RATE_WINDOW_MS);
    expect(await attempt(target), 'a minute later').toMatchObject({ admitted: true });
    expect(target.app.proofOfWork.on).toBe(false);
    expect(log).toHaveBeenLastCalledWith(expect.stringContaining('proof of work off: 1'));
  });
});

describe('the ALTCHA v2 format, checked against altcha-lib', () => {
  const config = parseConfig({ POW: 'on', POW_DIFFICULTY: '2000', TURN_MODE: 'off' });
  const pow = new ProofOfWork(config.pow, { clock: { now: () => Date.now() } });
  const secrets = powSecrets(config.pow.secret);
  const altchaVerifies = async (challenge: PowChallenge, solution: PowSolution) =>
    (
      await verifySolution({
        challenge,
        solution,
        deriveKey,
        hmacSignatureSecret: secrets.signature,
        hmacKeySignatureSecret: secrets.keySignature,
      })
    ).verified;

  it('altcha-lib solves our challenges and accepts exactly what we accept', async () => {
    for (let i = 0; i < 5; i++) {
      const challenge = pow.challenge();
      const found = await solveChallenge({ challenge, deriveKey });
      if (found === null) throw new Error('unsolved');
      expect(found.counter).toBeLessThanOrEqual(2000);
      const solution = { counter: found.counter, derivedKey: found.derivedKey };
      const wrong = { ...solution, derivedKey: 'ab'.repeat(32) };
      const tampered = {
        ...challenge,
        parameters: { ...challenge.parameters, keyPrefix: '00' },
      };
      for (const [candidate, answer, accepted] of [
        [challenge, solution, true],
        [challenge, wrong, false],
        [tampered, solution, false],
      ] as const) {
        expect(await altchaVerifies(candidate, answer)).toBe(accepted);
        expect(await pow.admit({ pow: { challenge: candidate, solution: answer } })).toBe(
          accepted ? undefined : 'pow_invalid',
        );
      }
    }
  });
});

describe('used challenges and the attempt rate', () => {
  it('remembers a used challenge until it expires, within a bound', async () => {
    const clock = new ManualClock(0);
    const used = localUsedChallenges(clock, 2);
    expect(await used.claim('a', 10_000)).toBe(true);
    expect(await used.claim('a', 10_000)).toBe(false);
    expect(await used.claim('b', 20_000)).toBe(true);
    clock.advance(15_000); // a expired: its place is free again, b is still remembered
    expect(await used.claim('c', 30_000)).toBe(true);
    expect(await used.claim('b', 20_000)).toBe(false);
    expect(await used.claim('d', 40_000)).toBe(true); // full: the oldest, b, goes
    expect(await used.claim('c', 30_000)).toBe(false);
  });

  it('counts attempts over the last minute only', () => {
    const rate = new AttemptRate();
    const start = 1_000_000;
    for (let second = 0; second < 90; second++) rate.record(start + second * 1000);
    expect(rate.count(start + 89_000)).toBe(60);
    expect(rate.count(start + 89_000 + RATE_WINDOW_MS)).toBe(0);
  });
});
