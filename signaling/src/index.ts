/**
 * Signaling logic: matching, the Socket.IO adapter that relays signals to a
 * stranger's partner, payload validation and rate limiting. It does no
 * file I/O and reads no environment; server/ assembles it into a process.
 */
export {
  memoryAddressLimits,
  redisAddressLimits,
  type AddressLimits,
  type AddressLimitsConfig,
} from './address-limits.js';
export { clientAddressKey, clientAddressOf } from './client-address.js';
export * from './matching/index.js';
export type {
  CutOffReason,
  MetadataSink,
  RejectionReason,
  SignalingObservation,
  SignalingRecord,
} from './metadata.js';
export {
  epochMs,
  memoryModeration,
  redisModeration,
  type Moderation,
  type ModerationConfig,
} from './moderation.js';
export { isRelayCandidate, relayOnlySignal, stripNonRelayCandidates } from './relay-only.js';
export type { LimitsConfig, MatchingConfig, SignalingConfig } from './signaling-config.js';
export {
  attachSignaling,
  isOriginAllowed,
  type Signaling,
  type SignalingDeps,
  type SignalingServer,
} from './signaling.js';
export {
  localConnectionCap,
  redisConnectionCap,
  type ConnectionCap,
  type RedisConnectionCapOptions,
} from './connection-cap.js';
