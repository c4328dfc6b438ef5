/**
 * Solves the server's proof-of-work challenge (ALTCHA v2, SHA-256, one round): the counter for
 * which SHA-256(salt ‖ nonce ‖ counter as 4 bytes big-endian) starts with the key prefix.
 *
 * SHA-256 is written out here rather than taken from `crypto.subtle`: one awaited digest per
 * try made Chromium about 15 times slower (113 thousand tries a second against 1.7 million), and
 * a slower solver costs every visitor time while costing an attacker nothing. It runs in a Web
 * Worker (pow-worker.ts), so the loop may block.
 */
import type { PowChallenge, PowSolution } from '@mayfly/protocol';

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL: readonly [number, number, number, number, number, number, number, number] = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
const MAX_COUNTER = 0xffffffff;

export class UnsupportedChallengeError extends Error {
  override name = 'UnsupportedChallengeError';
}

/** SHA-256's compression of one 16-word block (in `w`) into `state`; `w` is used as scratch. */
function compress(w: Uint32Array, state: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15] ?? 0;
    const w2 = w[i - 2] ?? 0;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) | 0;
  }
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  let e = state[4] ?? 0;
  let f = state[5] ?? 0;
  let g = state[6] ?? 0;
  let h = state[7] ?? 0;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (w[i] ?? 0)) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] ?? 0) + a;
  state[1] = (state[1] ?? 0) + b;
  state[2] = (state[2] ?? 0) + c;
  state[3] = (state[3] ?? 0) + d;
  state[4] = (state[4] ?? 0) + e;
  state[5] = (state[5] ?? 0) + f;
  state[6] = (state[6] ?? 0) + g;
  state[7] = (state[7] ?? 0) + h;
}

/** A SHA-256 of fixed-length messages that differ only in the 4 bytes after `prefix`. */
class CounterHasher {
  readonly #bytes: DataView;
  /** The padded message as big-endian words, re-read only where the counter lies. */
  readonly #words: Uint32Array;
  readonly #counterOffset: number;
  readonly #firstCounterWord: number;
  readonly #lastCounterWord: number;
  readonly #w = new Uint32Array(64);
  readonly #state = new Int32Array(8);

  constructor(prefix: Uint8Array) {
    const length = prefix.length + 4;
    const bytes = new Uint8Array(Math.ceil((length + 9) / 64) * 64);
    bytes.set(prefix);
    bytes[length] = 0x80;
    this.#bytes = new DataView(bytes.buffer);
    this.#bytes.setUint32(bytes.length - 4, length * 8);
    this.#words = new Uint32Array(bytes.length / 4);
    for (let i = 0; i < this.#words.length; i++) this.#words[i] = this.#bytes.getUint32(i * 4);
    this.#counterOffset = prefix.length;
    this.#firstCounterWord = Math.floor(prefix.length / 4);
    this.#lastCounterWord = Math.floor((prefix.length + 3) / 4);
  }

  /** The digest for `counter`, as eight words (valid until the next call). */
  digest(counter: number): Int32Array {
    const words = this.#words;
    const w = this.#w;
    const state = this.#state;
    this.#bytes.setUint32(this.#counterOffset, counter);
    words[this.#firstCounterWord] = this.#bytes.getUint32(this.#firstCounterWord * 4);
    words[this.#lastCounterWord] = this.#bytes.getUint32(this.#lastCounterWord * 4);
    state.set(INITIAL);
    for (let block = 0; block < words.length; block += 16) {
      for (let i = 0; i < 16; i++) w[i] = words[block + i] ?? 0;
      compress(w, state);
    }
    return state;
  }
}

function hexBytes(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/iu.test(hex)) throw new UnsupportedChallengeError('not hex');
  return Uint8Array.from(hex.match(/../gu) ?? [], (pair) => parseInt(pair, 16));
}

function wordsHex(words: Int32Array, bytes: number): string {
  let hex = '';
  for (const word of words) hex += (word >>> 0).toString(16).padStart(8, '0');
  return hex.slice(0, bytes * 2);
}

export interface SolveResult {
  readonly solution: PowSolution;
  /** Counters tried, the last one included. */
  readonly tries: number;
}

/** Finds the counter; throws UnsupportedChallengeError for a challenge of another kind. */
export function solveChallenge(parameters: PowChallenge['parameters']): SolveResult {
  const { algorithm, cost, keyLength, keyPrefix } = parameters;
  if (
    algorithm !== 'SHA-256' ||
    cost !== 1 ||
    keyLength < 1 ||
    keyLength > 32 ||
    keyPrefix.length === 0 ||
    keyPrefix.length > keyLength * 2 ||
    !/^[0-9a-f]+$/iu.test(keyPrefix)
  ) {
    throw new UnsupportedChallengeError(`cannot solve ${algorithm} with cost ${cost}`);
  }
  const salt = hexBytes(parameters.salt);
  const nonce = hexBytes(parameters.nonce);
  const prefix = new Uint8Array(salt.length + nonce.length);
  prefix.set(salt);
  prefix.set(nonce, salt.length);
  const hasher = new CounterHasher(prefix);
  // Compared a hex digit at a time: odd-length prefixes are allowed.
  const wanted = Array.from(keyPrefix.toLowerCase(), (digit) => parseInt(digit, 16));
  for (let counter = 0; counter <= MAX_COUNTER; counter++) {
    const digest = hasher.digest(counter);
    let matches = true;
    for (let i = 0; i < wanted.length; i++) {
      if ((((digest[i >> 3] ?? 0) >>> (28 - 4 * (i & 7))) & 0xf) !== wanted[i]) {
        matches = false;
        break;
      }
    }
    if (matches) {
      return { solution: { counter, derivedKey: wordsHex(digest, keyLength) }, tries: counter + 1 };
    }
  }
  throw new UnsupportedChallengeError('no counter solves this challenge');
}

/** What the page posts to the worker. */
export interface SolveRequest {
  readonly challenge: PowChallenge;
}

/** What the worker posts back, once. */
export type SolveReply =
  | {
      readonly ok: true;
      readonly solution: PowSolution;
      readonly tries: number;
      readonly ms: number;
    }
  | { readonly ok: false; readonly error: string };

/** The worker's whole job, apart from the messaging: solve one request, never throw. */
export function answerSolveRequest(request: SolveRequest, now: () => number): SolveReply {
  const started = now();
  try {
    const { solution, tries } = solveChallenge(request.challenge.parameters);
    return { ok: true, solution, tries, ms: now() - started };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.name : 'Error' };
  }
}
