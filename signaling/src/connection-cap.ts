/**
 * How many live connections one client address may hold. One process counts
 * its own; several nodes share the count in Redis, each node's share kept
 * apart so that a dead node's connections stop counting with its heartbeat.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface ConnectionCap {
  /**
   * Counts a new connection from `addressKey`. Resolves with the function
   * that releases it, or undefined (nothing counted) when at the cap.
   */
  acquire(addressKey: string): Promise<(() => void) | undefined>;
}

export function localConnectionCap(max: number): ConnectionCap {
  const live = new Map<string, number>();
  return {
    async acquire(addressKey) {
      const count = live.get(addressKey) ?? 0;
      if (count >= max) return undefined;
      live.set(addressKey, count + 1);
      return () => {
        const remaining = (live.get(addressKey) ?? 1) - 1;
        if (remaining > 0) live.set(addressKey, remaining);
        else live.delete(addressKey);
      };
    },
  };
}

// KEYS: none (built from the prefix). ARGV: prefix, hashed address, node, max, ttl.
const ACQUIRE = String.raw`
local key = ARGV[1] .. 'conn:' .. ARGV[2]
local total = 0
local shares = redis.call('HGETALL', key)
for i = 1, #shares, 2 do
  if redis.call('EXISTS', ARGV[1] .. 'node:' .. shares[i]) == 1 then
    total = total + tonumber(shares[i + 1])
  else
    redis.call('HDEL', key, shares[i])
  end
end
if total >= tonumber(ARGV[4]) then return 0 end
redis.call('HINCRBY', key, ARGV[3], 1)
redis.call('PEXPIRE', key, tonumber(ARGV[5]))
return 1
`;

const RELEASE = String.raw`
local key = ARGV[1] .. 'conn:' .. ARGV[2]
if redis.call('HINCRBY', key, ARGV[3], -1) <= 0 then redis.call('HDEL', key, ARGV[3]) end
return 1
`;

export interface RedisConnectionCapOptions {
  readonly keyPrefix: string;
  readonly max: number;
  /** This node, as its heartbeat names it (RedisMatching.nodeId). */
  readonly nodeId: string;
  /** Life of a count nobody touches. @default 86400000 */
  readonly ttlMs?: number;
}

/**
 * The count shared by every node. Keys hold an HMAC of the address key, never
 * the address. Every node must use the same HMAC key, so it lives in Redis,
 * created by the first node and expiring daily (counts then start over under
 * a new key, which loosens the cap for at most the life of a connection).
 */
export function redisConnectionCap(
  redis: Redis,
  options: RedisConnectionCapOptions,
): ConnectionCap {
  const ttlMs = options.ttlMs ?? 86_400_000;
  const secretKey = `${options.keyPrefix}conn-secret`;
  let secret: { value: string; readAt: number } | undefined;

  const currentSecret = async (): Promise<string> => {
    if (secret !== undefined && Date.now() - secret.readAt < 60_000) return secret.value;
    await redis.set(secretKey, randomBytes(32).toString('hex'), 'PX', ttlMs, 'NX');
    const value = await redis.get(secretKey);
    if (value === null) throw new Error('connection cap secret vanished');
    secret = { value, readAt: Date.now() };
    return value;
  };

  return {
    async acquire(addressKey) {
      const hashed = createHmac('sha256', await currentSecret())
        .update(addressKey)
        .digest('hex');
      const args = [options.keyPrefix, hashed, options.nodeId];
      const allowed = await redis.eval(ACQUIRE, 0, ...args, options.max, ttlMs);
      if (allowed !== 1) return undefined;
      return () => {
        redis.eval(RELEASE, 0, ...args).catch(() => {
          // Redis away: this node's share is dropped with its heartbeat if it dies;
          // otherwise the count expires with its key.
        });
      };
    },
  };
}
