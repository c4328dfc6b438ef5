/**
 * The pairing scenario: how long a stranger waits between pressing Start and
 * being matched, and how many matches per second a setup makes, for Mayfly
 * on one node (in memory, as by default), one node on Redis, three nodes on
 * one Redis, and the bare Socket.IO relay for reference.
 *
 * Connection k goes to node k mod nodes. Two phases, on connections opened
 * beforehand (the handshake is not timed):
 *  - paced: two strangers press Start together every `gapMs`, so a partner
 *    is always there and the queue is empty between them; with three nodes
 *    the two are on different nodes, so every such match crosses Redis
 *    (the matching script, then the adapter's pub/sub to the other node);
 *  - relay: the paced pairs bounce signals, as in the relay scenario;
 *  - burst: `joins` strangers press Start at the same instant; matches per
 *    second = pairs made / time until the last `matched` arrived.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Children } from '../children.js';
import type { LoadGenerator } from '../load/generator.js';
import { epochMs, type JoinedReply } from '../load/messages.js';
import { type ServerHandle, type ServerKind, startAll, startServer, stopAll } from '../servers.js';
import { percentile } from '../stats.js';
import { split } from './relay.js';

export const PAIRING_SETUPS = [
  'socketio',
  'mayfly-1-node',
  'mayfly-1-node-redis',
  'mayfly-3-nodes',
] as const;
export type PairingSetup = (typeof PAIRING_SETUPS)[number];

export const PAIRING_LABELS: Readonly<Record<PairingSetup, string>> = {
  socketio: 'bare Socket.IO, 1 process',
  'mayfly-1-node': 'Mayfly, 1 node, in memory',
  'mayfly-1-node-redis': 'Mayfly, 1 node on Redis',
  'mayfly-3-nodes': 'Mayfly, 3 nodes on Redis',
};

const NODES: Readonly<Record<PairingSetup, { kind: ServerKind; nodes: number; redis: boolean }>> = {
  socketio: { kind: 'socketio', nodes: 1, redis: false },
  'mayfly-1-node': { kind: 'mayfly', nodes: 1, redis: false },
  'mayfly-1-node-redis': { kind: 'mayfly', nodes: 1, redis: true },
  'mayfly-3-nodes': { kind: 'mayfly', nodes: 3, redis: true },
};

export interface PairingPlan {
  /** Strangers pressing Start at once in the burst. */
  readonly joins: number;
  /** Pairs arriving one after the other in the paced phase. */
  readonly pacedPairs: number;
  readonly gapMs: number;
  readonly connectionsPerWorker: number;
  readonly redisUrl: string;
  /** The paced pairs bounce signals for this long (2 s at most) and of this size. */
  readonly seconds: number;
  readonly signalBytes: number;
}

export interface PairingFigures {
  /** Paced: Start to `matched`, partner waiting. */
  readonly joinToMatchedP50Ms: number;
  readonly joinToMatchedP99Ms: number;
  /** Burst: pairs made per second. */
  readonly matchesPerSecond: number;
  /** Burst: Start to `matched`, queueing included. */
  readonly burstJoinToMatchedP99Ms: number;
  /**
   * The paced pairs bouncing signals for a while, as in the relay scenario:
   * with three nodes every one of those pairs spans two nodes, so each
   * signal goes through Redis (the adapter's pub/sub).
   */
  readonly relaySignalsPerSecond: number;
  readonly relayRoundTripP50Ms: number;
  readonly relayRoundTripP99Ms: number;
  /** Strangers not matched within 20 s, errors the server answered, connections it closed. */
  readonly unmatched: number;
  readonly protocolErrors: number;
  readonly droppedConnections: number;
}

export function pairingWorkersNeeded(plan: PairingPlan): number {
  return Math.max(2, Math.ceil((plan.joins + plan.pacedPairs * 2) / plan.connectionsPerWorker));
}

/** Lead time so that every worker has the command before the first Start is due. */
const START_LEAD_MS = 300;
const MATCH_TIMEOUT_MS = 20_000;

/** Keys the nodes left (connection counts, their HMAC key: they expire in a day) go now. */
async function deleteKeys(redisUrl: string, keyPrefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    // SCAN visits every key once per full cycle; bounded by the keys present.
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function joinAll(
  load: LoadGenerator,
  workers: number,
  from: number,
  count: number,
  gapMs: number,
): Promise<{ startAt: number; replies: JoinedReply[] }> {
  const startAt = epochMs() + START_LEAD_MS;
  const spanMs = Math.ceil(count / 2) * gapMs;
  const command = {
    type: 'join',
    from,
    count,
    startAt,
    gapMs,
    timeoutMs: MATCH_TIMEOUT_MS,
  } as const;
  const replies = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      load.worker(i).send(command, START_LEAD_MS + spanMs + MATCH_TIMEOUT_MS + 10_000),
    ),
  );
  return { startAt, replies };
}

export interface PairingCluster {
  readonly setup: PairingSetup;
  readonly nodes: readonly ServerHandle[];
  /** Stops every node and deletes what the cluster left in Redis. */
  stop(): Promise<void>;
}

/** A setup's nodes, on a Redis key prefix of their own when they share Redis. */
export async function startCluster(
  setup: PairingSetup,
  plan: Pick<PairingPlan, 'redisUrl'>,
  children: Children,
): Promise<PairingCluster> {
  const { kind, nodes: count, redis } = NODES[setup];
  const keyPrefix = redis ? `mayfly-bench:${randomBytes(6).toString('hex')}:` : undefined;
  const sharing = keyPrefix === undefined ? undefined : { url: plan.redisUrl, keyPrefix };
  const nodes = await startAll(
    Array.from({ length: count }, () => () => startServer(children, kind, sharing)),
  );
  return {
    setup,
    nodes,
    async stop() {
      await stopAll(nodes);
      if (keyPrefix !== undefined) await deleteKeys(plan.redisUrl, keyPrefix);
    },
  };
}

export async function measurePairing(
  cluster: PairingCluster,
  plan: PairingPlan,
  deps: { load: LoadGenerator; log: (line: string) => void },
): Promise<PairingFigures> {
  const { load, log } = deps;
  const { setup, nodes } = cluster;
  const workers = pairingWorkersNeeded(plan);
  try {
    const urls = nodes.map((node) => node.url);
    const paced = plan.pacedPairs * 2;
    const total = paced + plan.joins;
    // Contiguous blocks, so a paced pair (2j, 2j + 1) mostly sits in one worker.
    let firstIndex = 0;
    const connected = await Promise.all(
      split(total, workers).map((count, i) => {
        const command = {
          type: 'connect',
          protocol: 'socketio',
          urls,
          firstIndex,
          count,
          concurrency: 50,
          idPrefix: '',
        } as const;
        firstIndex += count;
        return load.worker(i).send(command, 60_000 + count * 20);
      }),
    );
    const failed = connected.reduce((sum, reply) => sum + reply.failed, 0);
    if (failed > 0) throw new Error(`${setup}: ${failed} connections failed`);

    log(`${setup}: ${plan.pacedPairs} pairs arriving ${plan.gapMs} ms apart`);
    const pacedRun = await joinAll(load, workers, 0, paced, plan.gapMs);
    const relaySeconds = Math.min(plan.seconds, 2);
    log(`${setup}: the paced pairs bounce signals for ${relaySeconds} s`);
    const bounce = {
      type: 'bounce',
      seconds: relaySeconds,
      signalBytes: plan.signalBytes,
    } as const;
    const bounced = await Promise.all(
      Array.from({ length: workers }, (_, i) =>
        load.worker(i).send(bounce, relaySeconds * 1000 + 30_000),
      ),
    );
    log(`${setup}: ${plan.joins} strangers pressing Start at once`);
    const burstRun = await joinAll(load, workers, paced, plan.joins, 0);

    const pacedLatencies = pacedRun.replies.flatMap((reply) => reply.latenciesMs);
    const burstLatencies = burstRun.replies.flatMap((reply) => reply.latenciesMs);
    const roundTrips = bounced.flatMap((reply) => reply.roundTripMs);
    const lastMatchedAt = Math.max(...burstRun.replies.map((reply) => reply.lastMatchedAt));
    const joined = [...pacedRun.replies, ...burstRun.replies];
    const unmatched = joined.reduce((sum, reply) => sum + reply.unmatched, 0);
    const protocolErrors = joined.reduce((sum, reply) => sum + reply.errors, 0);
    const dropped = await load.disconnectAll();
    if (unmatched + protocolErrors + dropped > 0) {
      log(
        `${setup}: warning: ${unmatched} never matched, ${protocolErrors} protocol errors, ` +
          `${dropped} connections closed by the server`,
      );
    }
    return {
      joinToMatchedP50Ms: percentile(pacedLatencies, 50),
      joinToMatchedP99Ms: percentile(pacedLatencies, 99),
      matchesPerSecond: burstLatencies.length / 2 / ((lastMatchedAt - burstRun.startAt) / 1000),
      burstJoinToMatchedP99Ms: percentile(burstLatencies, 99),
      relaySignalsPerSecond:
        bounced.reduce((sum, reply) => sum + reply.roundTrips * 2, 0) /
        (Math.max(...bounced.map((reply) => reply.elapsedMs)) / 1000),
      relayRoundTripP50Ms: percentile(roundTrips, 50),
      relayRoundTripP99Ms: percentile(roundTrips, 99),
      unmatched,
      protocolErrors,
      droppedConnections: dropped,
    };
  } catch (error) {
    await load.disconnectAfterFailure(log);
    throw error;
  }
}
