import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { PowChallenge } from '@mayfly/protocol';
import {
  answerSolveRequest,
  solveChallenge,
  UnsupportedChallengeError,
} from '../src/lib/pow/solver';

const SECRETS = { hmacSignatureSecret: 'challenge-secret', hmacKeySignatureSecret: 'key-secret' };

/** A challenge whose answer is `counter`, its prefix taken from Node's own SHA-256. */
function challengeFor(salt: Buffer, nonce: Buffer, counter: number, prefixDigits = 16) {
  const password = Buffer.alloc(4);
  password.writeUInt32BE(counter);
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, nonce, password]))
    .digest('hex');
  const parameters: PowChallenge['parameters'] = {
    algorithm: 'SHA-256',
    nonce: nonce.toString('hex'),
    salt: salt.toString('hex'),
    cost: 1,
    keyLength: 32,
    keyPrefix: digest.slice(0, prefixDigits),
  };
  return { parameters, digest };
}

describe('proof-of-work solver', () => {
  it('finds the counter the server chose, and the server library accepts the answer', async () => {
    const challenge = await createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: 12_345,
      deriveKey,
      expiresAt: Math.floor(Date.now() / 1000) + 60,
      ...SECRETS,
    });
    const { solution, tries } = solveChallenge(challenge.parameters as PowChallenge['parameters']);
    expect(solution.counter).toBe(12_345);
    expect(tries).toBe(12_346);
    const verdict = await verifySolution({ challenge, solution, deriveKey, ...SECRETS });
    expect(verdict.verified).toBe(true);
  });

  it.each([
    [16, 16], // the server's shape: one block, the counter word-aligned
    [3, 5], // unaligned counter
    [20, 40], // a second block for the padding
    [50, 70], // several blocks
  ])('hashes like SHA-256 with a %i-byte salt and a %i-byte nonce', (saltBytes, nonceBytes) => {
    const { parameters, digest } = challengeFor(
      randomBytes(saltBytes),
      randomBytes(nonceBytes),
      300,
    );
    const { solution } = solveChallenge(parameters);
    expect(solution).toEqual({ counter: 300, derivedKey: digest });
  });

  it('accepts a prefix of an odd number of hex digits', () => {
    const { parameters, digest } = challengeFor(randomBytes(16), randomBytes(16), 0, 3);
    const { solution } = solveChallenge(parameters);
    expect(solution.derivedKey.startsWith(digest.slice(0, 3))).toBe(true);
  });

  it('refuses challenges of another kind instead of spinning on them', () => {
    const { parameters } = challengeFor(randomBytes(16), randomBytes(16), 1);
    for (const other of [
      { ...parameters, algorithm: 'SCRYPT' },
      { ...parameters, cost: 1000 },
      { ...parameters, keyPrefix: 'zz' },
      { ...parameters, keyPrefix: '' },
    ]) {
      expect(() => solveChallenge(other as PowChallenge['parameters'])).toThrow(
        UnsupportedChallengeError,
      );
    }
  });

  it('answers the worker request with the solution and its cost, or the error name', () => {
    const { parameters } = challengeFor(randomBytes(16), randomBytes(16), 42);
    let time = 100;
    const now = () => (time += 5);
    expect(answerSolveRequest({ challenge: { parameters, signature: 's' } }, now)).toMatchObject({
      ok: true,
      solution: { counter: 42 },
      tries: 43,
      ms: 5,
    });
    const broken = { parameters: { ...parameters, cost: 2 }, signature: 's' };
    expect(answerSolveRequest({ challenge: broken }, now)).toEqual({
      ok: false,
      error: 'UnsupportedChallengeError',
    });
  });
});
