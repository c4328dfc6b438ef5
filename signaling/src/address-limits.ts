/**
 * Limits per address over time: new connections per minute, starts (Start
 * or Next) per minute, and the cool-down after a connection was cut off. One
 * process counts in memory; several nodes count in Redis, so that spreading a
 * flood over nodes gains nothing. Keys are address tags (moderation.ts),
 * never addresses. With Redis away each node falls back to counting on its
 * own for the per-minute limits; cool-downs are then not checked.
 */
import type { Clock } from '@mayfly/protocol';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface AddressLimitsConfig {
  /** New connections one address may open per minute. */
  readonly connectionsPerMinute: number;
  /** Starts and Nexts one address may send per minute. */
  readonly startsPerMinute: number;
  /** How long an address may not connect after one of its connections was cut off, the first time. */
  readonly cutOffCooldownMs: number;
  /** The longest cool-down: each cut-off within {@link CUT_OFF_MEMORY_MS} of the last doubles it up to this. */
  readonly cutOffCooldownMaxMs: number;
}

/** How long an address's cut-offs are remembered after its last one, to grow its cool-down. */
export const CUT_OFF_MEMORY_MS = 60 * 60_000;

export interface AddressLimits {
  /**
   * Counts a new connection of the address with these tags (current epoch first); resolves with
   * how long to wait when over the limit or in a cool-down (then nothing is counted). A cut-off
   * recorded under the previous epoch's tag still holds after the key change.
   */
  takeConnection(tags: readonly string[]): Promise<number | undefined>;
  /** Counts a Start or Next; resolves with how long to wait when over the limit. */
  takeStart(tag: string): Promise<number | undefined>;
  /**
   * A connection of the address with these tags (current epoch first) was cut off (flood,
   * malformed packets): its address may not connect for a cool-down that doubles with each
   * cut-off remembered, under any of its tags. Resolves with its length.
   */
  recordCutOff(tags: readonly string[]): Promise<number>;
}

/** The cool-down after the `count`-th remembered cut-off. */
export function cutOffCooldownMs(config: AddressLimitsConfig, count: number): number {
  const doublings = Math.min(Math.max(count - 1, 0), 30);
  return Math.min(config.cutOffCooldownMs * 2 ** doublings, config.cutOffCooldownMaxMs);
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

export function memoryAddressLimits(config: AddressLimitsConfig, clock: Clock): AddressLimits {
  const connections = memory(config.connectionsPerMinute);
  const starts = memory(config.startsPerMinute);
  /** Tag -> cut-offs remembered, the last one's time, and the end of its cool-down. */
  const cutOffs = new Map<string, { count: number; lastAt: number; until: number }>();
  let sweptAt = Number.NEGATIVE_INFINITY;
  const sweep = (now: number): void => {
    if (now - sweptAt < 1000) return;
    sweptAt = now;
    for (const [tag, entry] of cutOffs) {
      if (entry.lastAt + CUT_OFF_MEMORY_MS <= now) cutOffs.delete(tag);
    }
  };
  return {
    async takeConnection(tags) {
      const now = clock.now();
      sweep(now);
      const until = Math.max(0, ...tags.map((tag) => cutOffs.get(tag)?.until ?? 0));
      if (until > now) return until - now;
      return take(connections, tags[0] ?? '');
    },
    takeStart: (tag) => take(starts, tag),
    async recordCutOff(tags) {
      const now = clock.now();
      sweep(now);
      const counts = tags.map((tag) => {
        const known = cutOffs.get(tag);
        return known !== undefined && known.lastAt + CUT_OFF_MEMORY_MS > now ? known.count : 0;
      });
      const count = Math.max(0, ...counts) + 1;
      const cooldown = cutOffCooldownMs(config, count);
      cutOffs.set(tags[0] ?? '', { count, lastAt: now, until: now + cooldown });
      return cooldown;
    },
  };
}

// ARGV: now, first cool-down, longest cool-down, memory, then the keys of the address's tags
// (current epoch first). Counts on from the most cut-offs remembered under any of them, records
// under the first. Returns the cool-down in ms.
const RECORD_CUT_OFF = String.raw`
local now = tonumber(ARGV[1])
local first = tonumber(ARGV[2])
local longest = tonumber(ARGV[3])
local memory = tonumber(ARGV[4])
local count = 0
for i = 5, #ARGV do
  local known = tonumber(redis.call('HGET', ARGV[i], 'count') or '0') or 0
  if known > count then count = known end
end
count = count + 1
local cooldown = math.min(first * 2 ^ math.min(count - 1, 30), longest)
redis.call('HSET', ARGV[5], 'count', count, 'until', now + cooldown)
redis.call('PEXPIRE', ARGV[5], memory)
return cooldown
`;

export function redisAddressLimits(
  redis: Redis,
  keyPrefix: string,
  config: AddressLimitsConfig,
  clock: Clock,
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
  const cutOffKey = (tag: string): string => `${keyPrefix}cut-offs:${tag}`;
  return {
    async takeConnection(tags) {
      // Redis away: no cool-down is known, and the per-minute limit counts on this node alone.
      const untils = await Promise.all(
        tags.map(async (tag) =>
          Number((await redis.hget(cutOffKey(tag), 'until').catch(() => null)) ?? 0),
        ),
      );
      const until = Math.max(0, ...untils);
      const now = clock.now();
      if (until > now) return until - now;
      return take(connections, tags[0] ?? '');
    },
    takeStart: (tag) => take(starts, tag),
    async recordCutOff(tags) {
      const cooldown = await redis.eval(
        RECORD_CUT_OFF,
        0,
        clock.now(),
        config.cutOffCooldownMs,
        config.cutOffCooldownMaxMs,
        CUT_OFF_MEMORY_MS,
        ...tags.map(cutOffKey),
      );
      return Number(cooldown);
    },
  };
}
