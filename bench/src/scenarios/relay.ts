/**
 * The relay scenario, for one server: what an idle connection costs in
 * memory and CPU, then what a relayed signal costs while those connections
 * stay open. The server runs alone in its process; its CPU time and memory
 * are read from /proc, never asked of it.
 *
 *  1. with the server started and settled, read its RSS;
 *  2. open `idle` connections (spread over the idle workers) that do only
 *     what an idle client does (answer pings, send heartbeats);
 *  3. over a quiet window: the server's CPU while idle, then its RSS again;
 *  4. open `pairs` pairs on another worker and pair them (Start for Socket.IO
 *     servers, named peers for PeerJS), bounce signals for a warm-up;
 *  5. for `seconds`: every initiator sends a signal, its partner sends it
 *     back, again; the server's CPU time over that window divided by the
 *     signals relayed, and each round trip's duration.
 */
import { parseConfig } from '@mayfly/server';
import type { LoadGenerator } from '../load/generator.js';
import type { ProcReader } from '../proc.js';
import { PROTOCOL_OF, type ServerHandle, type ServerKind } from '../servers.js';
import { percentile } from '../stats.js';

export interface RelayPlan {
  readonly idle: number;
  readonly pairs: number;
  readonly seconds: number;
  readonly signalBytes: number;
  readonly warmupSeconds: number;
  /** How long the server is watched with only idle connections open, at least. */
  readonly idleWindowSeconds: number;
  /**
   * Stretch the idle window to the server's keep-alive period, so that every
   * idle connection pings or heartbeats once in it (Socket.IO's first ping
   * comes 25 s after the handshake). Off in tiny mode, to stay quick.
   */
  readonly idleWindowCoversKeepAlive: boolean;
  /** Pause after the idle connections are open, before the idle window. */
  readonly settleMs: number;
  /** Idle connections one worker holds at most. */
  readonly connectionsPerWorker: number;
}

export interface RelayFigures {
  readonly idleConnections: number;
  readonly failedConnections: number;
  /** Connections the server closed before the end (a starved client misses pings). */
  readonly droppedConnections: number;
  /** (RSS with the idle connections open - RSS before) / idle connections. */
  readonly rssPerIdleConnectionKiB: number;
  /** Server RSS with the idle connections open. */
  readonly rssWithIdleMiB: number;
  /** Server CPU while only idle connections are open (pings, heartbeats), % of one core. */
  readonly idleCpuPercent: number;
  /** Server CPU time over the bounce window / signals relayed in it (idle work included). */
  readonly cpuPerSignalUs: number;
  /** The same less the idle rate over the window: what relaying itself costs. */
  readonly cpuPerSignalNetUs: number;
  readonly signalsPerSecond: number;
  /** Initiator to partner and back: two relays. */
  readonly roundTripP50Ms: number;
  readonly roundTripP99Ms: number;
  /** The worker driving the pairs, % of one core: near 100 means it, not the server, set the pace. */
  readonly pairsClientCpuPercent: number;
}

const CONNECT_CONCURRENCY = 50;

/**
 * How often an idle connection makes the server work: Socket.IO's default
 * pingInterval (the bare relay), Mayfly's PING_INTERVAL_MS default (read from
 * its configuration, so the window follows it), the PeerJS client's heartbeat.
 */
const KEEP_ALIVE_SECONDS: Readonly<Record<ServerKind, number>> = {
  socketio: 25,
  mayfly: parseConfig({ TURN_MODE: 'off' }).limits.pingIntervalMs / 1000,
  peerjs: 5,
};

/** Workers a plan needs: those holding the idle connections, and one for the pairs. */
export function relayWorkersNeeded(plan: RelayPlan): number {
  return Math.ceil(plan.idle / plan.connectionsPerWorker) + 1;
}

/** `total` split into `parts` shares that differ by one at most. */
export function split(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureRelay(
  server: ServerHandle,
  plan: RelayPlan,
  deps: { load: LoadGenerator; proc: ProcReader; log: (line: string) => void },
): Promise<RelayFigures> {
  const { load, proc, log } = deps;
  const kind = server.kind;
  const protocol = PROTOCOL_OF[kind];
  const idPrefix = `${kind}-${Date.now().toString(36)}-`;
  const idleWorkers = relayWorkersNeeded(plan) - 1;
  const pairsWorker = load.worker(idleWorkers);
  try {
    const before = proc.sample(server.pid);

    log(`${kind}: ${plan.idle} idle connections`);
    let firstIndex = 0;
    const shares = split(plan.idle, idleWorkers).map((count, i) => {
      const command = {
        type: 'connect',
        protocol,
        urls: [server.url],
        firstIndex,
        count,
        concurrency: CONNECT_CONCURRENCY,
        idPrefix,
      } as const;
      firstIndex += count;
      return load.worker(i).send(command, 60_000 + count * 20);
    });
    const connected = await Promise.all(shares);
    const opened = connected.reduce((sum, reply) => sum + reply.opened, 0);
    const failed = connected.reduce((sum, reply) => sum + reply.failed, 0);
    const firstError = connected.find((reply) => reply.firstError !== undefined)?.firstError;
    if (failed > 0) log(`${kind}: ${failed} idle connections failed (first: ${firstError})`);

    await sleep(plan.settleMs);
    const idleStart = proc.sample(server.pid);
    const idleStartedAt = performance.now();
    const idleWindowSeconds = plan.idleWindowCoversKeepAlive
      ? Math.max(plan.idleWindowSeconds, KEEP_ALIVE_SECONDS[kind])
      : plan.idleWindowSeconds;
    await sleep(idleWindowSeconds * 1000);
    const idleEnd = proc.sample(server.pid);
    const idleCpuPercent =
      ((idleEnd.cpuMs - idleStart.cpuMs) / (performance.now() - idleStartedAt)) * 100;

    log(`${kind}: ${plan.pairs} pairs bouncing ${plan.signalBytes}-byte signals`);
    const pairsConnected = await pairsWorker.send(
      {
        type: 'connect',
        protocol,
        urls: [server.url],
        firstIndex,
        count: plan.pairs * 2,
        concurrency: CONNECT_CONCURRENCY,
        idPrefix,
      },
      60_000,
    );
    if (pairsConnected.failed > 0) {
      throw new Error(`${kind}: ${pairsConnected.failed} pair connections failed`);
    }
    const paired = await pairsWorker.send({ type: 'pair', timeoutMs: 20_000 }, 30_000);
    if (paired.pairs < plan.pairs) {
      throw new Error(`${kind}: only ${paired.pairs} of ${plan.pairs} pairs matched`);
    }
    const bounce = { type: 'bounce', signalBytes: plan.signalBytes } as const;
    await pairsWorker.send({ ...bounce, seconds: plan.warmupSeconds }, 30_000);

    const cpuBefore = proc.sample(server.pid);
    const clientBefore = proc.sample(pairsWorker.pid);
    const bounced = await pairsWorker.send(
      { ...bounce, seconds: plan.seconds },
      plan.seconds * 1000 + 30_000,
    );
    const cpuAfter = proc.sample(server.pid);
    const clientAfter = proc.sample(pairsWorker.pid);
    const signals = bounced.roundTrips * 2;
    const bounceCpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
    const dropped = await load.disconnectAll();
    if (dropped > 0) log(`${kind}: warning: the server closed ${dropped} connections meanwhile`);
    return {
      idleConnections: opened,
      failedConnections: failed,
      droppedConnections: dropped,
      rssPerIdleConnectionKiB: (idleEnd.rssBytes - before.rssBytes) / 1024 / opened,
      rssWithIdleMiB: idleEnd.rssBytes / 1024 / 1024,
      idleCpuPercent,
      cpuPerSignalUs: (bounceCpuMs * 1000) / signals,
      cpuPerSignalNetUs:
        ((bounceCpuMs - (idleCpuPercent / 100) * bounced.elapsedMs) * 1000) / signals,
      signalsPerSecond: signals / (bounced.elapsedMs / 1000),
      roundTripP50Ms: percentile(bounced.roundTripMs, 50),
      roundTripP99Ms: percentile(bounced.roundTripMs, 99),
      pairsClientCpuPercent: ((clientAfter.cpuMs - clientBefore.cpuMs) / bounced.elapsedMs) * 100,
    };
  } catch (error) {
    await load.disconnectAfterFailure(log);
    throw error;
  }
}
