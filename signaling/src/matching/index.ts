/**
 * Matching: who talks to whom. `Matchmaker` holds the rules, in memory, for
 * one process; `inMemoryMatching` puts it behind the async `MatchingBackend`
 * the Socket.IO adapter uses. `RedisMatching` is the backend shared by
 * several nodes; both pass the same behaviour suite.
 */
export { inMemoryMatching, MatchingUnavailableError, type MatchingBackend } from './backend.js';
export { Matchmaker } from './matchmaker.js';
export type {
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
export { isResumeToken } from './resume-token.js';
export { RedisMatching, type RedisMatchingOptions } from './redis-matching.js';
