/**
 * Matching: who talks to whom. `Matchmaker` is the in-memory backend, one
 * process holding every stranger. A backend shared by several nodes (Redis)
 * belongs beside it and must pass the same behaviour suite
 * (signaling/test/matchmaker.test.ts).
 */
export {
  Matchmaker,
  type Decision,
  type MatchmakerOptions,
  type MatchResult,
  type StrangerId,
  type StrangerState,
} from './matchmaker.js';
