/**
 * What the Socket.IO adapter needs from matching, whichever backend holds
 * the strangers: the in-memory `Matchmaker` of one process, or Redis shared
 * by several nodes. Every call is async so that both fit; decisions come
 * back to the caller, which delivers them (to local sockets, or to the node
 * that holds the socket).
 *
 * Both backends pass one behaviour suite (signaling/test/matching-behaviour.ts).
 */
import type {
  BlockResult,
  Decision,
  MatchingCounts,
  MatchmakerOptions,
  MatchResult,
  ResumeResult,
  SearchLanguages,
  StrangerId,
  StrangerProfile,
  StrangerState,
} from './decisions.js';
import { Matchmaker } from './matchmaker.js';
import type { Clock } from '@mayfly/protocol';

/** The backend cannot be reached (Redis is away); the event changed nothing. */
export class MatchingUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('matching is unavailable', options);
    this.name = 'MatchingUnavailableError';
  }
}

export interface MatchingBackend {
  /**
   * A new connection; idle until it starts. `tags`: its address's short-lived pseudonyms.
   * Registering a known stranger again replaces its tags and keeps its state.
   */
  register(id: StrangerId, tags?: readonly string[]): Promise<void>;
  start(id: StrangerId, profile: StrangerProfile): Promise<MatchResult>;
  /** Leave the partner, look again with the interests of Start and these languages. */
  next(id: StrangerId, languages?: SearchLanguages): Promise<MatchResult>;
  stop(id: StrangerId): Promise<MatchResult>;
  /** End the chat and keep the two apart for `blockMs`, across reconnects. */
  block(id: StrangerId, blockMs: number): Promise<BlockResult>;
  /**
   * Ban the address tags until `until`: their strangers leave the queue and their chats
   * (`banned` decisions for them, `partnerLeft` for their partners) and cannot start again.
   */
  ban(tags: readonly string[], until: number): Promise<readonly Decision[]>;
  /** Forget the stranger at once, tell their partner. */
  remove(id: StrangerId): Promise<readonly Decision[]>;
  /**
   * The connection is gone: a stranger in a chat is held for a resume (its partner told it is
   * away) for `resumeGraceMs`, any other removed.
   */
  hold(id: StrangerId): Promise<readonly Decision[]>;
  /** Connection `id` (idle) takes over the chat a resume token was handed for. */
  resume(id: StrangerId, token: string): Promise<ResumeResult>;
  /** Pairs waiting strangers who have become acceptable to each other. */
  pairWaiting(): Promise<readonly Decision[]>;
  /** When to call {@link pairWaiting} next. */
  nextDeadline(): Promise<number | undefined>;
  stateOf(id: StrangerId): Promise<StrangerState | undefined>;
  partnerOf(id: StrangerId): Promise<StrangerId | undefined>;
  counts(): Promise<MatchingCounts>;
  /**
   * Decisions the backend made on its own (Redis: a dead node's strangers
   * were removed); the adapter delivers them like any others.
   */
  onDecisions(listener: (decisions: readonly Decision[]) => void): void;
  close(): Promise<void>;
}

/** The embedded default: one process's Matchmaker behind the async interface. */
export function inMemoryMatching(options: MatchmakerOptions, clock: Clock): MatchingBackend {
  const matchmaker = new Matchmaker(options, clock);
  return {
    register: async (id, tags) => matchmaker.register(id, tags),
    start: async (id, profile) => matchmaker.start(id, profile),
    next: async (id, languages) => matchmaker.next(id, languages),
    stop: async (id) => matchmaker.stop(id),
    block: async (id, blockMs) => matchmaker.block(id, blockMs),
    ban: async (tags, until) => matchmaker.ban(tags, until),
    remove: async (id) => matchmaker.remove(id),
    hold: async (id) => matchmaker.hold(id),
    resume: async (id, token) => matchmaker.resume(id, token),
    pairWaiting: async () => matchmaker.pairWaiting(),
    nextDeadline: async () => matchmaker.nextDeadline(),
    stateOf: async (id) => matchmaker.stateOf(id),
    partnerOf: async (id) => matchmaker.partnerOf(id),
    counts: async () => matchmaker.counts(),
    // One process decides only when asked.
    onDecisions: () => undefined,
    close: async () => undefined,
  };
}
