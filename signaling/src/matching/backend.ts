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
  Decision,
  MatchingCounts,
  MatchResult,
  StrangerId,
  StrangerProfile,
  StrangerState,
} from './matchmaker.js';
import { Matchmaker, type MatchmakerOptions } from './matchmaker.js';
import type { Clock } from '@mayfly/protocol';

/** The backend cannot be reached (Redis is away); the event changed nothing. */
export class MatchingUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('matching is unavailable', options);
    this.name = 'MatchingUnavailableError';
  }
}

export interface MatchingBackend {
  /** A new connection; idle until it starts. */
  register(id: StrangerId): Promise<void>;
  start(id: StrangerId, profile: StrangerProfile): Promise<MatchResult>;
  next(id: StrangerId): Promise<MatchResult>;
  stop(id: StrangerId): Promise<MatchResult>;
  /** The connection is gone: forget the stranger, tell their partner. */
  remove(id: StrangerId): Promise<readonly Decision[]>;
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
    register: async (id) => matchmaker.register(id),
    start: async (id, profile) => matchmaker.start(id, profile),
    next: async (id) => matchmaker.next(id),
    stop: async (id) => matchmaker.stop(id),
    remove: async (id) => matchmaker.remove(id),
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
