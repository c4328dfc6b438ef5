/**
 * Reports and temporary bans that identify nobody.
 *
 * A connection's address is known here only as short-lived tags:
 * HMAC-SHA256(epochKey, addressKey) with a random key per epoch. An epoch
 * lasts as long as the longest block, ban or report window, and each key is
 * destroyed at the end of the epoch after its own, so no tag outlives the
 * longest ban it could serve. A connection carries the tags of the current
 * and the previous epoch, so that a ban or block recorded just before a
 * key change still holds after it.
 *
 * Enough distinct reporters (each reporting address counted once, the
 * reported address itself never) within the window ban the reported
 * address for a while. The ban consumes the reports that caused it: after
 * it ends, a new ban takes as many new reports as the first. The ban itself
 * is a matching rule (MatchingBackend.ban), so that it takes the address out
 * of the queue and its chats at once. Everything expires by itself; nothing
 * holds an address.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '@mayfly/protocol';
import type { Redis } from 'ioredis';
import { MatchingUnavailableError } from './matching/backend.js';

export interface ModerationConfig {
  /** How long a block (or a report, which blocks) keeps two strangers apart. */
  readonly blockMs: number;
  /** Reports from this many different addresses within the window ban an address. */
  readonly banReports: number;
  readonly reportWindowMs: number;
  /** How long a ban lasts. */
  readonly banMs: number;
}

export interface Moderation {
  /** The address's tags now: [current epoch, previous epoch (if its key still exists)]. */
  tagsOf(addressKey: string): Promise<string[]>;
  /**
   * Counts a report. When it completes a ban, the reports against the reported tags are
   * consumed and it resolves with the ban's end; the caller applies the ban to matching.
   */
  recordReport(
    reportedTags: readonly string[],
    reporterTags: readonly string[],
  ): Promise<number | undefined>;
}

/** The length of a key's epoch: the longest thing a tag must serve. */
export function epochMs(config: ModerationConfig): number {
  return Math.max(config.blockMs, config.banMs, config.reportWindowMs, 60_000);
}

function tag(key: Buffer | string, addressKey: string): string {
  return createHmac('sha256', key).update(addressKey).digest('hex').slice(0, 32);
}

/** One process: keys, reports and bans in memory. */
export function memoryModeration(config: ModerationConfig, clock: Clock): Moderation {
  const epoch = epochMs(config);
  const keys = new Map<number, Buffer>();
  /** Reported tag -> reporter tag -> when. */
  const reports = new Map<string, Map<string, number>>();

  let sweptAt = -Infinity;
  // Called on every handshake: at most once a second is enough to bound the maps.
  const sweep = (now: number): void => {
    if (now - sweptAt < 1000) return;
    sweptAt = now;
    const current = Math.floor(now / epoch);
    for (const number of keys.keys()) if (number < current - 1) keys.delete(number);
    for (const [reported, reporters] of reports) {
      for (const [reporter, time] of reporters) {
        if (time <= now - config.reportWindowMs) reporters.delete(reporter);
      }
      if (reporters.size === 0) reports.delete(reported);
    }
  };

  return {
    async tagsOf(addressKey) {
      const now = clock.now();
      sweep(now);
      const current = Math.floor(now / epoch);
      let key = keys.get(current);
      if (key === undefined) {
        key = randomBytes(32);
        keys.set(current, key);
      }
      const previous = keys.get(current - 1);
      return previous === undefined
        ? [tag(key, addressKey)]
        : [tag(key, addressKey), tag(previous, addressKey)];
    },

    async recordReport(reportedTags, reporterTags) {
      const now = clock.now();
      sweep(now);
      const [reported] = reportedTags;
      const [reporter] = reporterTags;
      if (reported === undefined || reporter === undefined) return undefined;
      if (reportedTags.some((name) => reporterTags.includes(name))) return undefined;
      const lists = reportedTags.map((name) => reports.get(name));
      const already = lists.some((list) => reporterTags.some((name) => list?.has(name) ?? false));
      if (!already) {
        const list = reports.get(reported) ?? new Map<string, number>();
        list.set(reporter, now);
        reports.set(reported, list);
      }
      // The sweep runs at most once a second: count only what is inside the window.
      const since = now - config.reportWindowMs;
      const distinct = reportedTags
        .flatMap((name) => [...(reports.get(name)?.values() ?? [])])
        .filter((time) => time > since).length;
      if (distinct < config.banReports) return undefined;
      for (const name of reportedTags) reports.delete(name);
      return now + config.banMs;
    },
  };
}

// ARGV: prefix, now, window, banReports, banMs, then reported tags count, tags..., reporter tags...
const RECORD_REPORT = String.raw`
local P = ARGV[1]
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local banReports = tonumber(ARGV[4])
local banMs = tonumber(ARGV[5])
local reportedCount = tonumber(ARGV[6])
local reported, reporters = {}, {}
for i = 7, 6 + reportedCount do reported[#reported + 1] = ARGV[i] end
for i = 7 + reportedCount, #ARGV do reporters[#reporters + 1] = ARGV[i] end
local already = false
for _, name in ipairs(reported) do
  redis.call('ZREMRANGEBYSCORE', P .. 'reports:' .. name, '-inf', now - window)
  for _, reporter in ipairs(reporters) do
    if redis.call('ZSCORE', P .. 'reports:' .. name, reporter) then already = true end
  end
end
if not already then
  redis.call('ZADD', P .. 'reports:' .. reported[1], now, reporters[1])
  redis.call('PEXPIRE', P .. 'reports:' .. reported[1], window)
end
local distinct = 0
for _, name in ipairs(reported) do distinct = distinct + redis.call('ZCARD', P .. 'reports:' .. name) end
if distinct < banReports then return false end
-- The ban consumes the reports that caused it.
for _, name in ipairs(reported) do redis.call('DEL', P .. 'reports:' .. name) end
return now + banMs
`;

/** Several nodes: keys, reports and bans in Redis, all expiring. */
export function redisModeration(
  redis: Redis,
  keyPrefix: string,
  config: ModerationConfig,
  clock: Clock,
): Moderation {
  const epoch = epochMs(config);
  const cached = new Map<number, string>();
  // An epoch's key is only ever made during that epoch: a past one found missing stays missing.
  const missing = new Set<number>();

  const keyOf = async (number: number, create: boolean): Promise<string | undefined> => {
    const known = cached.get(number);
    if (known !== undefined) return known;
    if (!create && missing.has(number)) return undefined;
    const name = `${keyPrefix}tagkey:${number}`;
    if (create) {
      // The first node to need this epoch's key makes it; it dies after the next epoch.
      await redis.set(name, randomBytes(32).toString('hex'), 'PX', 2 * epoch, 'NX');
    }
    const value = await redis.get(name);
    if (value === null) {
      if (!create) missing.add(number);
      return undefined;
    }
    cached.set(number, value);
    for (const old of cached.keys()) if (old < number - 1) cached.delete(old);
    return value;
  };

  /** Redis away: the caller answers matching_unavailable, as for matching itself. */
  const shared = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new MatchingUnavailableError({ cause: error });
    }
  };

  return {
    tagsOf: (addressKey) =>
      shared(async () => {
        const current = Math.floor(clock.now() / epoch);
        const key = await keyOf(current, true);
        if (key === undefined) throw new Error('address tag key vanished');
        const previous = await keyOf(current - 1, false);
        return previous === undefined
          ? [tag(key, addressKey)]
          : [tag(key, addressKey), tag(previous, addressKey)];
      }),

    recordReport: (reportedTags, reporterTags) =>
      shared(async () => {
        if (reportedTags.length === 0 || reporterTags.length === 0) return undefined;
        // A report from the reported address itself (a shared NAT) counts for nothing.
        if (reportedTags.some((name) => reporterTags.includes(name))) return undefined;
        const until = await redis.eval(
          RECORD_REPORT,
          0,
          keyPrefix,
          clock.now(),
          config.reportWindowMs,
          config.banReports,
          config.banMs,
          reportedTags.length,
          ...reportedTags,
          ...reporterTags,
        );
        return typeof until === 'number' ? until : undefined;
      }),
  };
}
