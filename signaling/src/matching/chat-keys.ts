/**
 * The in-memory Matchmaker's book of resume secrets (the Redis script keeps
 * the same book in Redis): for each chat, digests of its pair secret and of
 * each side's, which strangers hold it, the chats that ended lately (a
 * resume for one is refused as expired), and the strangers rejoining a chat
 * this state had lost. Tokens themselves are handed out, never kept.
 */
import type { StrangerId } from './decisions.js';
import { digest, newSecret, parseResumeToken } from './resume-token.js';

interface Side {
  /** `<pair secret>.<side secret>`: for the stranger, and nobody else. */
  readonly token: string;
  readonly sideKey: string;
}

export interface PresentedToken {
  readonly pair: string;
  readonly pairKey: string;
  readonly sideKey: string;
  /** The chat's two strangers, when the chat is known. */
  readonly ids: readonly [StrangerId, StrangerId] | undefined;
  /** The chat ended lately (Next, Stop, a report, a grace that ran out). */
  readonly ended: boolean;
}

function side(pair: string): Side {
  const secret = newSecret();
  return { token: `${pair}.${secret}`, sideKey: digest(secret) };
}

export class ChatKeys {
  readonly #open = new Map<string, [StrangerId, StrangerId]>();
  readonly #ended = new Map<string, number>();
  readonly #rejoining = new Map<string, StrangerId>();
  #sweptAt = Number.NEGATIVE_INFINITY;

  /** @param endedMs how long an ended chat is remembered as ended */
  constructor(private readonly endedMs: number) {}

  /** A new chat between two strangers: its pair key and each side's token. */
  open(
    initiator: StrangerId,
    responder: StrangerId,
  ): { pairKey: string; initiator: Side; responder: Side } {
    const pair = newSecret();
    const pairKey = digest(pair);
    this.#open.set(pairKey, [initiator, responder]);
    return { pairKey, initiator: side(pair), responder: side(pair) };
  }

  /** What a token presents; undefined when it is not a token at all. */
  read(token: string, now: number): PresentedToken | undefined {
    const parsed = parseResumeToken(token);
    if (parsed === undefined) return undefined;
    this.#sweep(now);
    const pairKey = digest(parsed.pair);
    return {
      pair: parsed.pair,
      pairKey,
      sideKey: digest(parsed.side),
      ids: this.#open.get(pairKey),
      ended: (this.#ended.get(pairKey) ?? 0) > now,
    };
  }

  /** `newId` took over `oldId`'s side: a new secret for that side, so the old token is spent. */
  rekey(pairKey: string | undefined, oldId: StrangerId, newId: StrangerId, pair: string): Side {
    const ids = pairKey === undefined ? undefined : this.#open.get(pairKey);
    if (pairKey !== undefined && ids !== undefined) {
      this.#open.set(pairKey, ids[0] === oldId ? [newId, ids[1]] : [ids[0], newId]);
    }
    return side(pair);
  }

  /** Two rejoining strangers found each other: the chat is open again; a new secret for `b`. */
  reopen(pairKey: string, a: StrangerId, b: StrangerId, pair: string): Side {
    this.#open.set(pairKey, [a, b]);
    return side(pair);
  }

  /** The chat is over: a resume for it is refused as expired for a while. */
  end(pairKey: string | undefined, now: number): void {
    if (pairKey === undefined || !this.#open.delete(pairKey)) return;
    this.#ended.set(pairKey, now + this.endedMs);
  }

  rejoining(pairKey: string): StrangerId | undefined {
    return this.#rejoining.get(pairKey);
  }

  startRejoining(pairKey: string, id: StrangerId): void {
    this.#rejoining.set(pairKey, id);
  }

  stopRejoining(pairKey: string | undefined): void {
    if (pairKey !== undefined) this.#rejoining.delete(pairKey);
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < 1000) return;
    this.#sweptAt = now;
    for (const [pairKey, until] of this.#ended) if (until <= now) this.#ended.delete(pairKey);
  }
}
