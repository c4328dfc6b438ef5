import type { AddressLimitsConfig } from './address-limits.js';
import type { ModerationConfig } from './moderation.js';

/**
 * The options the signaling logic reads. The host (server/) parses them from
 * the environment and documents each; here they are plain typed values.
 */

export interface MatchingConfig {
  /** How long strangers with interests wait for a shared one before anyone will do, in ms. */
  readonly interestWaitMs: number;
  /** How long a skipped stranger is not offered again to the one who skipped, in ms. */
  readonly skipMemoryMs: number;
  /** How long a chat outlives a dropped connection, for a resume from a new one, in ms. */
  readonly resumeGraceMs: number;
  /** How long strangers who gave languages wait for a shared one before anyone will do, in ms. */
  readonly languageWaitMs: number;
  /** How long a speakers-of-my-languages-only search waits before it ends, in ms. */
  readonly languageOnlyWaitMs: number;
}

export interface LimitsConfig {
  /** Largest Socket.IO message the transport accepts; larger ones close that socket. */
  readonly maxMessageBytes: number;
  /** Events a socket may send in a burst. */
  readonly rateLimitBurst: number;
  /** Events a socket may send per second, sustained. */
  readonly rateLimitPerSecond: number;
  /** Packets past the rate limit after which a connection is disconnected. */
  readonly rateLimitDisconnectAfter: number;
  /** How long a connection may take to join (Socket.IO's CONNECT) before it is closed, in ms. */
  readonly connectTimeoutMs: number;
  /** Engine.IO ping interval: with pingTimeoutMs, bounds how fast a dropped client is noticed. */
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
}

export interface SignalingConfig {
  /** Origins allowed besides the page's own. */
  readonly allowedOrigins: readonly string[];
  /** Reverse proxies in front of the service whose X-Forwarded-For to trust. */
  readonly trustProxyHops: number;
  /** Live connections allowed from one client address. */
  readonly maxConnectionsPerAddress: number;
  readonly matching: MatchingConfig;
  readonly limits: LimitsConfig;
  /** Clients hide their IP address unless the user unticks it. */
  readonly relayByDefault: boolean;
  /** Blocks, reports and temporary bans. */
  readonly moderation: ModerationConfig;
  /** Connections and starts per address per minute. */
  readonly addressLimits: AddressLimitsConfig;
  /** Clients blur each new stranger's video until the person reveals it, unless they untick it. */
  readonly safeStartByDefault: boolean;
}
