/**
 * The matching rules against a real Redis (REDIS_URL, else 127.0.0.1:6379),
 * each test under a key prefix of its own.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisMatching } from '../src/matching/index.js';
import { describeMatchingBackend } from './matching-behaviour.js';

export const TEST_REDIS_URL = process.env.MAYFLY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describeMatchingBackend('Redis', async (options, clock) => {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const liveness = redis.duplicate();
  const keyPrefix = `mayfly-test:${randomUUID()}:`;
  const backend = new RedisMatching(redis, liveness, { ...options, keyPrefix }, clock);
  await backend.join();
  return {
    backend,
    async cleanup() {
      await backend.close();
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      liveness.disconnect();
    },
  };
});
