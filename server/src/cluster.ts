/**
 * Several signaling nodes on one Redis (REDIS_URL): the Socket.IO Redis
 * adapter carries emits and decisions between nodes, RedisMatching holds
 * the strangers, and the connection cap is counted in Redis.
 *
 * Redis being away must not take a node down: every client has an error
 * handler, matching commands fail fast (no offline queue, a short timeout)
 * and turn into `matching_unavailable`, and the adapter's publishes, which it
 * does not catch itself, are caught here.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Clock } from '@mayfly/protocol';
import {
  type AddressLimits,
  type AddressLimitsConfig,
  type ConnectionCap,
  type MatchingBackend,
  type MatchingConfig,
  type Moderation,
  type ModerationConfig,
  redisAddressLimits,
  redisConnectionCap,
  redisModeration,
  RedisMatching,
  type SignalingDeps,
} from '@mayfly/signaling';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from './config.js';
import { localUsedChallenges, type UsedChallenges } from './proof-of-work.js';

export interface Cluster {
  readonly nodeId: string;
  readonly matching: MatchingBackend;
  readonly connectionCap: ConnectionCap;
  readonly moderation: Moderation;
  readonly addressLimits: AddressLimits;
  readonly adapter: NonNullable<SignalingDeps['adapter']>;
  /** Proof-of-work challenges used anywhere in the deployment. */
  readonly usedChallenges: UsedChallenges;
  /** Whether this node reaches Redis right now. */
  reachable(): boolean;
  close(): Promise<void>;
}

export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach Redis at ${safeUrl(url)}`, { cause });
    this.name = 'RedisUnreachableError';
  }
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  // Fail at once while disconnected instead of queueing work for later.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
};

/**
 * The adapter publishes and (un)subscribes without catching; with Redis away
 * each rejection would be unhandled and crash the process. Those calls are
 * best effort anyway: what is lost while Redis is away is lost.
 */
const UNCAUGHT_BY_ADAPTER = new Set<PropertyKey>([
  'publish',
  'subscribe',
  'psubscribe',
  'unsubscribe',
  'punsubscribe',
]);

function catchingRejections(client: Redis): Redis {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (!UNCAUGHT_BY_ADAPTER.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? result.catch(() => undefined) : result;
      };
    },
  });
}

/**
 * Used proof-of-work challenges shared by every node, so that a solution is good once in the
 * whole deployment. With Redis away each node remembers its own: a solution may then serve once
 * per node, which is better than refusing everyone.
 */
export function redisUsedChallenges(
  redis: Redis,
  keyPrefix: string,
  fallback: UsedChallenges,
): UsedChallenges {
  return {
    async claim(id, expiresAtMs) {
      try {
        const set = await redis.set(`${keyPrefix}pow-used:${id}`, '1', 'PXAT', expiresAtMs, 'NX');
        return set === 'OK';
      } catch {
        return fallback.claim(id, expiresAtMs);
      }
    },
  };
}

export async function connectCluster(
  redisConfig: RedisConfig,
  options: {
    matching: MatchingConfig;
    moderation: ModerationConfig;
    addressLimits: AddressLimitsConfig;
    maxConnectionsPerAddress: number;
    clock: Clock;
  },
): Promise<Cluster> {
  const command = new Redis(redisConfig.url, CLIENT_OPTIONS);
  const publisher = command.duplicate();
  const subscriber = command.duplicate();
  const liveness = command.duplicate();
  const clients = [command, publisher, subscriber, liveness];
  let reachable = false;
  let reported = false;
  command.on('ready', () => {
    reachable = true;
    reported = false;
  });
  for (const client of clients) {
    client.on('error', (error: Error) => {
      if (client === command) reachable = false;
      // One line per outage, not one per retry; the URL may hold a password.
      if (!reported) console.error(`mayfly: Redis: ${error.name}: connection lost, retrying`);
      reported = true;
    });
  }
  command.on('close', () => (reachable = false));

  try {
    await Promise.all(clients.map((client) => client.connect()));
  } catch (error) {
    for (const client of clients) client.disconnect();
    throw new RedisUnreachableError(redisConfig.url, error);
  }

  const matching = new RedisMatching(
    command,
    liveness,
    { ...options.matching, keyPrefix: redisConfig.keyPrefix },
    options.clock,
  );
  await matching.join();
  const connectionCap = redisConnectionCap(command, {
    keyPrefix: redisConfig.keyPrefix,
    max: options.maxConnectionsPerAddress,
    nodeId: matching.nodeId,
  });
  const adapter = createAdapter(catchingRejections(publisher), catchingRejections(subscriber), {
    key: `${redisConfig.keyPrefix}socket.io`,
    // serverSideEmit with acknowledgements is not used; keep requests short anyway.
    requestsTimeout: 2000,
  });

  return {
    nodeId: matching.nodeId,
    matching,
    connectionCap,
    moderation: redisModeration(command, redisConfig.keyPrefix, options.moderation, options.clock),
    addressLimits: redisAddressLimits(
      command,
      redisConfig.keyPrefix,
      options.addressLimits,
      options.clock,
    ),
    adapter,
    usedChallenges: redisUsedChallenges(
      command,
      redisConfig.keyPrefix,
      localUsedChallenges(options.clock),
    ),
    reachable: () => reachable && command.status === 'ready',
    async close() {
      await matching.close();
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
    },
  };
}
