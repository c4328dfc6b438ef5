/**
 * Proof of work on demand (POW): while it is on, a connection must bring a solved challenge,
 * so that opening many connections costs CPU time and a single visitor hardly notices.
 *
 * Challenges are ALTCHA v2, SHA-256 in deterministic mode: the server picks the counter, so a
 * browser's work is bounded (at most `difficulty` hashes, half of it on average) and checking a
 * solution costs two HMACs whatever the difficulty. They are signed with keys derived from
 * POW_SECRET and expire after {@link CHALLENGE_TTL_MS}; each is good for one connection, the used
 * ones being remembered until they expire. Nothing here identifies anyone: no cookie, no address
 * in the challenge.
 *
 * The format is altcha-lib's, and the tests check both ways that altcha-lib solves and accepts
 * what this module makes and accepts. The HMACs are node:crypto's here: altcha-lib imports its key
 * through WebCrypto on every call, which measured 4 to 6 times slower per verification, and a
 * verification is what a flood of forged handshakes makes the server do.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import {
  ConnectRefusalCode,
  type Clock,
  type PowChallenge,
  type PowSolution,
} from '@mayfly/protocol';
import type { PowConfig } from './config.js';

/** How long a challenge may take from the server to the handshake: fetching, solving, connecting. */
export const CHALLENGE_TTL_MS = 120_000;
/** The window POW=auto measures the rate of connection attempts over. */
export const RATE_WINDOW_MS = 60_000;

/** Challenges already used for a connection, remembered until they expire. */
export interface UsedChallenges {
  /** Marks the challenge `id` used; resolves false when it already was. */
  claim(id: string, expiresAtMs: number): Promise<boolean>;
}

/**
 * This process's memory of used challenges, at most `maxSize` of them. Past that the oldest is
 * forgotten first: it expires soonest, so the replay that forgetting allows is short and costs
 * the attacker `maxSize` verified connections in between.
 */
export function localUsedChallenges(clock: Clock, maxSize = 200_000): UsedChallenges {
  const used = new Map<string, number>();
  return {
    async claim(id, expiresAtMs) {
      if (used.has(id)) return false;
      const now = clock.now();
      for (const [oldest, expiry] of used) {
        if (expiry > now && used.size < maxSize) break;
        used.delete(oldest);
      }
      used.set(id, expiresAtMs);
      return true;
    },
  };
}

/** Connection attempts over the last minute, counted in one-second buckets. */
export class AttemptRate {
  readonly #counts: number[];
  readonly #seconds: number[];

  constructor(readonly windowMs = RATE_WINDOW_MS) {
    const buckets = Math.ceil(windowMs / 1000);
    this.#counts = new Array<number>(buckets).fill(0);
    this.#seconds = new Array<number>(buckets).fill(-Infinity);
  }

  record(now: number): void {
    const second = Math.floor(now / 1000);
    const slot = second % this.#counts.length;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot] = (this.#counts[slot] ?? 0) + 1;
  }

  /** Attempts in the window that ends at `now`. */
  count(now: number): number {
    const oldest = Math.floor(now / 1000) - this.#counts.length;
    let total = 0;
    for (const [slot, second] of this.#seconds.entries()) {
      if (second > oldest) total += this.#counts[slot] ?? 0;
    }
    return total;
  }
}

export interface ProofOfWorkDeps {
  readonly clock: Clock;
  /** Shared by every node with REDIS_URL; this process's memory otherwise. */
  readonly usedChallenges?: UsedChallenges;
  /** Told when POW=auto switches on or off, with the attempts of the last minute. */
  readonly onSwitch?: (on: boolean, attemptsLastMinute: number) => void;
}

const PARAMETER_TYPES: Readonly<Record<string, 'string' | 'number'>> = {
  algorithm: 'string',
  nonce: 'string',
  salt: 'string',
  cost: 'number',
  keyLength: 'number',
  keyPrefix: 'string',
  keySignature: 'string',
  expiresAt: 'number',
};
const MAX_FIELD_LENGTH = 256;
const KEY_LENGTH = 32;
const MAX_COUNTER = 0xffffffff;

/** The two HMAC keys, from one secret: one signs challenges, the other the key they expect. */
export function powSecrets(secret: string): { signature: string; keySignature: string } {
  const derive = (purpose: string): string =>
    createHmac('sha256', secret).update(`mayfly pow ${purpose}`).digest('hex');
  return { signature: derive('challenge'), keySignature: derive('key') };
}

function hmacHex(secret: string, data: string | Buffer): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}

/** ALTCHA's canonical form of the parameters: keys sorted, as JSON. */
/** One try of the puzzle: SHA-256(salt ‖ nonce ‖ counter as 4 bytes big-endian). */
function sha256Try(salt: Buffer, nonce: Buffer, counter: number): Buffer {
  const counterBytes = Buffer.alloc(4);
  counterBytes.writeUInt32BE(counter);
  return createHash('sha256')
    .update(Buffer.concat([salt, nonce, counterBytes]))
    .digest();
}

/** The derived key a counter gives for a (signed, hence well-formed) challenge, in hex. */
function derivedKeyOf(parameters: PowChallenge['parameters'], counter: number): string {
  const salt = Buffer.from(parameters.salt, 'hex');
  const nonce = Buffer.from(parameters.nonce, 'hex');
  return sha256Try(salt, nonce, counter).subarray(0, parameters.keyLength).toString('hex');
}

function canonical(parameters: PowChallenge['parameters']): string {
  const entries = Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

function sameText(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `auth.pow` of a handshake as a solved challenge, if it has the shape of one. */
export function presentedSolution(
  pow: unknown,
): { challenge: PowChallenge; solution: PowSolution } | undefined {
  if (!isRecord(pow)) return undefined;
  const { challenge, solution } = pow;
  if (!isRecord(challenge) || !isRecord(solution) || !isRecord(challenge.parameters)) {
    return undefined;
  }
  const fields = Object.entries(challenge.parameters);
  const wellFormed = fields.every(
    ([key, value]) =>
      Object.hasOwn(PARAMETER_TYPES, key) &&
      typeof value === PARAMETER_TYPES[key] &&
      (typeof value !== 'string' || value.length <= MAX_FIELD_LENGTH),
  );
  if (
    !wellFormed ||
    typeof challenge.signature !== 'string' ||
    challenge.signature.length > MAX_FIELD_LENGTH ||
    typeof solution.counter !== 'number' ||
    typeof solution.derivedKey !== 'string' ||
    solution.derivedKey.length > MAX_FIELD_LENGTH
  ) {
    return undefined;
  }
  return {
    challenge: challenge as unknown as PowChallenge,
    solution: { counter: solution.counter, derivedKey: solution.derivedKey },
  };
}

export class ProofOfWork {
  readonly #config: PowConfig;
  readonly #clock: Clock;
  readonly #used: UsedChallenges;
  readonly #onSwitch: ProofOfWorkDeps['onSwitch'];
  readonly #attempts = new AttemptRate();
  readonly #secrets: { signature: string; keySignature: string };
  #on: boolean;

  constructor(config: PowConfig, deps: ProofOfWorkDeps) {
    this.#config = config;
    this.#clock = deps.clock;
    this.#used = deps.usedChallenges ?? localUsedChallenges(deps.clock);
    this.#onSwitch = deps.onSwitch;
    this.#on = config.mode === 'on';
    this.#secrets = powSecrets(config.secret);
  }

  /** Whether connections must bring a solution right now. */
  get on(): boolean {
    return this.#on;
  }

  /** A fresh challenge, whether or not proof of work is on: it costs a hash and two HMACs. */
  challenge(): PowChallenge {
    const salt = randomBytes(16);
    const nonce = randomBytes(16);
    const derivedKey = sha256Try(salt, nonce, randomInt(0, this.#config.difficulty + 1));
    const parameters: PowChallenge['parameters'] = {
      algorithm: 'SHA-256',
      cost: 1,
      expiresAt: Math.floor((this.#clock.now() + CHALLENGE_TTL_MS) / 1000),
      keyLength: KEY_LENGTH,
      // Half the key, as altcha-lib's deterministic mode: no other counter matches it.
      keyPrefix: derivedKey.subarray(0, KEY_LENGTH / 2).toString('hex'),
      keySignature: hmacHex(this.#secrets.keySignature, derivedKey),
      nonce: nonce.toString('hex'),
      salt: salt.toString('hex'),
    };
    return { parameters, signature: hmacHex(this.#secrets.signature, canonical(parameters)) };
  }

  /**
   * Counts a connection attempt and decides on it: undefined lets it in, a code refuses it.
   * Never throws: a malformed or hostile `auth` is a refusal like any other.
   */
  async admit(auth: unknown): Promise<ConnectRefusalCode | undefined> {
    const now = this.#clock.now();
    this.#attempts.record(now);
    if (!this.#decide(now)) return undefined;
    if (!isRecord(auth) || auth.pow === undefined) return ConnectRefusalCode.PowRequired;
    const presented = presentedSolution(auth.pow);
    if (presented === undefined) return ConnectRefusalCode.PowInvalid;
    const { challenge, solution } = presented;
    const refusal = this.#verify(challenge, solution, now);
    if (refusal !== undefined) return refusal;
    const fresh = await this.#used.claim(
      challenge.signature,
      (challenge.parameters.expiresAt ?? 0) * 1000,
    );
    return fresh ? undefined : ConnectRefusalCode.PowReplayed;
  }

  /**
   * altcha-lib's verifySolution, key-signature path, with node:crypto and our clock, checked
   * in an order where nothing unsigned decides the answer: the challenge's signature first (a
   * forged challenge is `pow_invalid` whatever its `expiresAt`), then its expiry, then the
   * solution, whose `counter` must be the one that yields `derivedKey`.
   */
  #verify(
    challenge: PowChallenge,
    solution: PowSolution,
    now: number,
  ): ConnectRefusalCode | undefined {
    const { parameters } = challenge;
    if (parameters.expiresAt === undefined || parameters.keySignature === undefined) {
      return ConnectRefusalCode.PowInvalid;
    }
    if (!sameText(challenge.signature, hmacHex(this.#secrets.signature, canonical(parameters)))) {
      return ConnectRefusalCode.PowInvalid;
    }
    if (parameters.expiresAt * 1000 <= now) return ConnectRefusalCode.PowExpired;
    if (
      !Number.isInteger(solution.counter) ||
      solution.counter < 0 ||
      solution.counter > MAX_COUNTER ||
      !/^[0-9a-f]{64}$/u.test(solution.derivedKey)
    ) {
      return ConnectRefusalCode.PowInvalid;
    }
    const keySignature = hmacHex(
      this.#secrets.keySignature,
      Buffer.from(solution.derivedKey, 'hex'),
    );
    if (!sameText(parameters.keySignature, keySignature)) return ConnectRefusalCode.PowInvalid;
    // The key alone proves the work; the counter must still be the one that gives it.
    return sameText(derivedKeyOf(parameters, solution.counter), solution.derivedKey)
      ? undefined
      : ConnectRefusalCode.PowInvalid;
  }

  /** Whether proof of work applies to an attempt at `now`; POW=auto follows the last minute. */
  #decide(now: number): boolean {
    if (this.#config.mode !== 'auto') return this.#on;
    const attempts = this.#attempts.count(now);
    const on = attempts > this.#config.autoConnectionsPerMinute;
    if (on !== this.#on) {
      this.#on = on;
      this.#onSwitch?.(on, attempts);
    }
    return on;
  }
}
