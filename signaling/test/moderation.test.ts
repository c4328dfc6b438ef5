/**
 * The moderation stores, in memory and in a real Redis, with time driven by
 * hand: reporters counted once, bans that end, tags that change with the key.
 */
import { randomUUID } from 'node:crypto';
import { ManualClock } from '@mayfly/protocol';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  epochMs,
  memoryModeration,
  redisModeration,
  type Moderation,
  type ModerationConfig,
} from '../src/moderation.js';

const TEST_REDIS_URL = process.env.MAYFLY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONFIG: ModerationConfig = {
  blockMs: 60 * 60_000,
  banReports: 3,
  reportWindowMs: 60 * 60_000,
  banMs: 30 * 60_000,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Factory = (clock: ManualClock, config?: ModerationConfig) => Promise<Moderation>;

const stores: [string, Factory][] = [
  ['in memory', async (clock, config = CONFIG) => memoryModeration(config, clock)],
  [
    'Redis',
    async (clock, config = CONFIG) => {
      const redis = new Redis(TEST_REDIS_URL);
      const prefix = `mayfly-test:${randomUUID()}:`;
      cleanups.push(async () => {
        const keys = await redis.keys(`${prefix}*`);
        for (const key of keys) expect(await redis.pttl(key), key).toBeGreaterThan(0);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
      return redisModeration(redis, prefix, config, clock);
    },
  ],
];

describe.each(stores)('moderation: %s', (_name, create) => {
  it('bans after reports from three different addresses, counting each once', async () => {
    const clock = new ManualClock();
    const store = await create(clock);
    const offender = await store.tagsOf('203.0.113.9');
    const one = await store.tagsOf('198.51.100.1');
    expect(await store.recordReport(offender, one)).toBeUndefined();
    expect(await store.recordReport(offender, one)).toBeUndefined();
    expect(await store.recordReport(offender, await store.tagsOf('198.51.100.2'))).toBeUndefined();
    const until = await store.recordReport(offender, await store.tagsOf('198.51.100.3'));
    expect(until).toBe(clock.now() + CONFIG.banMs);
  });

  it('never counts a report from the reported address itself', async () => {
    const clock = new ManualClock();
    // One report would ban here, were it counted.
    const store = await create(clock, { ...CONFIG, banReports: 1 });
    const shared = await store.tagsOf('203.0.113.9');
    expect(await store.recordReport(shared, shared)).toBeUndefined();
    const other = await store.tagsOf('198.51.100.1');
    expect(await store.recordReport(shared, other)).toBe(clock.now() + CONFIG.banMs);
  });

  it('a ban consumes the reports that caused it: after it ends, one new report bans nobody', async () => {
    const clock = new ManualClock();
    // The window outlasts the ban, so without consuming them the old reports would still count.
    const store = await create(clock, { ...CONFIG, reportWindowMs: 120 * 60_000 });
    const offender = await store.tagsOf('203.0.113.9');
    for (const reporter of ['198.51.100.1', '198.51.100.2']) {
      expect(await store.recordReport(offender, await store.tagsOf(reporter))).toBeUndefined();
    }
    expect(await store.recordReport(offender, await store.tagsOf('198.51.100.3'))).toBeDefined();
    clock.advance(CONFIG.banMs);
    expect(await store.recordReport(offender, await store.tagsOf('198.51.100.4'))).toBeUndefined();
    expect(await store.recordReport(offender, await store.tagsOf('198.51.100.5'))).toBeUndefined();
    // As many new reports as the first ban took ban again.
    const again = await store.recordReport(offender, await store.tagsOf('198.51.100.6'));
    expect(again).toBe(clock.now() + CONFIG.banMs);
  });

  it('forgets reports older than the window', async () => {
    const clock = new ManualClock();
    const store = await create(clock);
    const offender = await store.tagsOf('203.0.113.9');
    await store.recordReport(offender, await store.tagsOf('198.51.100.1'));
    await store.recordReport(offender, await store.tagsOf('198.51.100.2'));
    clock.advance(CONFIG.reportWindowMs + 1);
    expect(await store.recordReport(offender, await store.tagsOf('198.51.100.3'))).toBeUndefined();
  });

  it('changes tags with each key epoch and still knows the previous one', async () => {
    const clock = new ManualClock(
      Math.floor(Date.UTC(2026, 10, 21) / epochMs(CONFIG)) * epochMs(CONFIG),
    );
    const store = await create(clock);
    const [before] = await store.tagsOf('203.0.113.9');
    expect(before).toMatch(/^[0-9a-f]{32}$/u);
    expect(await store.tagsOf('203.0.113.9')).toEqual([before]);
    clock.advance(epochMs(CONFIG));
    const after = await store.tagsOf('203.0.113.9');
    expect(after).toHaveLength(2);
    expect(after[0]).not.toBe(before);
    expect(after[1]).toBe(before);
  });
});
