/**
 * @mayfly/turn: TURN for Mayfly.
 *
 * - Credentials: coturn's TURN REST API scheme, minted by signaling.
 * - An embedded TURN server (RFC 8489/8656, UDP and TCP) for small
 *   deployments and development.
 * - A coturn config generator for production, with the same peer policy.
 * - A TURN client-side health check.
 */
export {
  mintTurnCredential,
  verifyTurnCredential,
  parseTurnUsername,
  turnPasswordFor,
  isLocalCredentialId,
  LOCAL_ID_PREFIX,
  MIN_SECRET_LENGTH,
} from './credentials.js';
export type {
  MintTurnCredentialOptions,
  TurnCredential,
  TurnCredentialCheck,
  TurnUsername,
  VerifyTurnCredentialOptions,
} from './credentials.js';
export { DENIED_PEER_RANGES, compilePeerPolicy, isPeerAllowed } from './peer-policy.js';
export type { DeniedPeerRange, PeerCheck, PeerPolicy } from './peer-policy.js';
export { startEmbeddedTurn } from './embedded.js';
export type { EmbeddedTurn, EmbeddedTurnOptions, PortRange } from './embedded.js';
export type { HostAddress } from './peer-access.js';
export type { RelayedBytes } from './relay-data-path.js';
export { renderCoturnConfig } from './coturn-config.js';
export type { CoturnConfigOptions, CoturnTlsOptions } from './coturn-config.js';
export { checkTurnServer } from './check-turn-server.js';
/** A TURN client (UDP or TCP), as the health check and the tests use it. */
export { TurnClient } from './stun-client.js';
export type {
  CheckTurnServerOptions,
  TurnCheckFailure,
  TurnServerCheck,
} from './check-turn-server.js';
export { OptionError, TurnOptionError, TurnStartError, TurnStartErrorCode } from './errors.js';
export { canonicalIp, formatIp, isIpv4Mapped, isLoopbackIp, parseIp } from './ip-address.js';
export type {
  AllocationCloseReason,
  AuthRejection,
  TcpCloseReason,
  TcpRefusal,
  TurnLog,
  TurnLogEvent,
  TurnMethodName,
} from './turn-log.js';
export type { TransportAddress } from './stun.js';
