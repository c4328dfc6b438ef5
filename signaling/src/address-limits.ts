/**
 * Limits per address over time: new connections per minute and starts (Start
 * or Next) per minute. One process counts in memory; several nodes count in
 * Redis, so that spreading a flood over nodes gains nothing. Keys are address
 * tags (moderation.ts), never addresses. With Redis away each node falls back
 * to counting on its own.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface AddressLimitsConfig {
  /** New connections one address may open per minute. */
  readonly connectionsPerMinute: number;
  /** Starts and Nexts one address may send per minute. */
  readonly startsPerMinute: number;
}

export interface AddressLimits {
  /** Counts a new connection; resolves with how long to wait when over the limit. */
  takeConnection(tag: string): Promise<number | undefined>;
  /** Counts a Start or Next; resolves with how long to wait when over the limit. */
  takeStart(tag: string): Promise<number | undefined>;
}

interface Limiter {
  consume(key: string): Promise<unknown>;
}

async function take(limiter: Limiter, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
    throw error;
  }
}

function memory(points: number): Limiter {
  return new RateLimiterMemory({ points, duration: 60 });
}

export function memoryAddressLimits(config: AddressLimitsConfig): AddressLimits {
  const connections = memory(config.connectionsPerMinute);
  const starts = memory(config.startsPerMinute);
  return {
    takeConnection: (tag) => take(connections, tag),
    takeStart: (tag) => take(starts, tag),
  };
}

export function redisAddressLimits(
  redis: Redis,
  keyPrefix: string,
  config: AddressLimitsConfig,
): AddressLimits {
  const shared = (name: string, points: number): Limiter =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}${name}`,
      points,
      duration: 60,
      rejectIfRedisNotReady: true,
      // Redis away: this node counts alone until it is back.
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
  const connections = shared('rate-connections', config.connectionsPerMinute);
  const starts = shared('rate-starts', config.startsPerMinute);
  return {
    takeConnection: (tag) => take(connections, tag),
    takeStart: (tag) => take(starts, tag),
  };
}
