/**
 * One stranger as the in-memory Matchmaker keeps it, and what can be said of
 * strangers without the rest of the state.
 */
import type { StrangerId, StrangerState } from './decisions.js';

export interface Stranger {
  readonly id: StrangerId;
  state: StrangerState;
  /** Interests of the current or last search; undefined until the first start. */
  interests: readonly string[] | undefined;
  /** Languages of the current search, kept only while it waits (language-rules.ts). */
  languages: readonly string[];
  languagesOnly: boolean;
  /** Shown to partners; kept only while the connection lives. */
  nickname: string | undefined;
  /** Short-lived pseudonyms of the connection's address, which blocks and bans are recorded against. */
  tags: readonly string[];
  waitingSince: number;
  /** Position in the queue: ties in waitingSince are broken by who came first. */
  ticket: number;
  partner: StrangerId | undefined;
  pairedAt: number;
  /** Strangers this one skipped, with the time the memory ends. */
  skipped: Map<StrangerId, number>;
  /** While paired (or rejoining): digests of the chat's pair secret and of this side's. */
  pairKey: string | undefined;
  sideKey: string | undefined;
  /** Paired, but its connection closed: held for a resume until then. */
  awayUntil: number | undefined;
  /** Rejoining: waits for its partner until then. */
  rejoinUntil: number | undefined;
}

export function newStranger(id: StrangerId, tags: readonly string[]): Stranger {
  return {
    id,
    tags: [...tags],
    state: 'idle',
    interests: undefined,
    languages: [],
    languagesOnly: false,
    nickname: undefined,
    waitingSince: 0,
    ticket: 0,
    partner: undefined,
    pairedAt: 0,
    skipped: new Map(),
    pairKey: undefined,
    sideKey: undefined,
    awayUntil: undefined,
    rejoinUntil: undefined,
  };
}

/** The stranger's part in a chat is over: no keys, no grace. */
export function clearChat(stranger: Stranger): void {
  stranger.pairKey = undefined;
  stranger.sideKey = undefined;
  stranger.awayUntil = undefined;
  stranger.rejoinUntil = undefined;
}

export function sharedInterests(a: Stranger, b: Stranger): string[] {
  const theirs = new Set(b.interests ?? []);
  return (a.interests ?? []).filter((tag) => theirs.has(tag));
}

/** True while `id` is remembered in `memory`; forgets expired entries on the way. */
export function isRemembered(
  memory: Map<StrangerId, number>,
  id: StrangerId,
  now: number,
): boolean {
  const until = memory.get(id);
  if (until === undefined) return false;
  if (until > now) return true;
  memory.delete(id);
  return false;
}
