/**
 * Prometheus metrics: aggregates only. Every figure comes from the same
 * records the metadata log gets (counted, never stored), from matching's
 * counts or from the process itself. No label can carry an identity: every
 * label value comes from a closed set (reasons, codes, states), and nothing
 * per client, address, pseudonym, nickname, interest or language is kept.
 *
 * Off unless the operator turns it on (METRICS_PORT, METRICS_TOKEN); see
 * docs/self-hosting.md.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MatchingCounts, SignalingObservation } from '@mayfly/signaling';
import type { RelayedBytes } from '@mayfly/turn';
import type { MetadataRecord } from './metadata-log.js';

export interface MetricsSources {
  /** Matching's counts: the whole deployment's with Redis, this process's without. */
  readonly counts: () => Promise<MatchingCounts>;
  /** Live Socket.IO connections on this node. */
  readonly connections: () => number;
  /** Whether proof of work is asked for right now. */
  readonly powOn: () => boolean;
  /** Whether Redis answers; undefined in one process without Redis. */
  readonly redisUp?: () => boolean;
  /** Payload bytes the embedded TURN relay carried since start, each way; absent without it. */
  readonly relayedBytes?: () => RelayedBytes | undefined;
}

/** Seconds: from instant pairings to the five-second interest wait and far beyond. */
const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];
const CHAT_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export class Metrics {
  readonly registry = new Registry();
  readonly #paired: Counter;
  readonly #waited: Histogram;
  readonly #chatsEnded: Counter<'reason'>;
  readonly #chatSeconds: Histogram;
  readonly #reports: Counter<'reason'>;
  readonly #blocks: Counter;
  readonly #bansStarted: Counter;
  readonly #cutOffs: Counter<'reason'>;
  readonly #rejected: Counter<'reason'>;
  readonly #failedEvents: Counter<'code'>;
  readonly #connectionsTotal: Counter;
  readonly #relayAllocations: Gauge;
  readonly #relayAllocated: Counter;
  readonly #relayRefused: Counter<'reason'>;
  readonly #sources: MetricsSources;
  /** Matching's counts as of the last scrape. */
  #counts: MatchingCounts | undefined;

  constructor(sources: MetricsSources) {
    this.#sources = sources;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.#connectionsTotal = counter(
      'mayfly_connections_total',
      'Connections opened on this node.',
    );
    this.#paired = counter(
      'mayfly_paired_strangers_total',
      'Strangers paired on this node (each side of a match counts once: matches = this / 2 across nodes).',
    );
    this.#waited = new Histogram({
      name: 'mayfly_wait_seconds',
      help: 'How long strangers waited from Start (or Next) to being paired.',
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.#chatsEnded = counter(
      'mayfly_chats_ended_total',
      'Chats ended, as the stranger who was left sees it: next, stop or disconnect (reports and blocks count as next).',
      ['reason'],
    );
    this.#chatSeconds = new Histogram({
      name: 'mayfly_chat_duration_seconds',
      help: 'How long chats lasted, counted when one ends.',
      buckets: CHAT_BUCKETS,
      registers,
    });
    this.#reports = counter('mayfly_reports_total', 'Reports, by reason.', ['reason']);
    this.#blocks = counter('mayfly_blocks_total', 'Blocks without a report.');
    this.#bansStarted = counter('mayfly_bans_started_total', 'Bans started.');
    this.#cutOffs = counter('mayfly_cut_offs_total', 'Connections cut off, by reason.', ['reason']);
    this.#rejected = counter(
      'mayfly_handshakes_rejected_total',
      'Connection attempts refused at the handshake, by reason.',
      ['reason'],
    );
    this.#failedEvents = counter(
      'mayfly_failed_events_total',
      'Client events answered with an error, by error code.',
      ['code'],
    );
    this.#relayAllocations = new Gauge({
      name: 'mayfly_relay_allocations',
      help: 'Allocations the embedded TURN relay holds now.',
      registers,
    });
    this.#relayAllocated = counter(
      'mayfly_relay_allocations_total',
      'Allocations the embedded TURN relay made.',
    );
    this.#relayRefused = counter(
      'mayfly_relay_refused_total',
      'Requests the embedded TURN relay refused, by reason.',
      ['reason'],
    );

    const gauge = <L extends string>(
      name: string,
      help: string,
      collect: (metric: Gauge<L>) => void,
      labelNames: L[] = [],
    ): void => {
      const metric: Gauge<L> = new Gauge<L>({
        name,
        help,
        labelNames,
        registers,
        collect: () => collect(metric),
      });
    };
    gauge('mayfly_connections', 'Live connections on this node.', (metric) =>
      metric.set(sources.connections()),
    );
    // Matching's counts are read once per scrape, in exposition(), before the gauges collect;
    // with Redis away they keep their last values (mayfly_redis_up says so).
    gauge(
      'mayfly_strangers',
      'Strangers by state: waiting or chatting (with Redis: the whole deployment).',
      (metric) => {
        if (this.#counts === undefined) return;
        metric.set({ state: 'waiting' }, this.#counts.waiting);
        metric.set({ state: 'chatting' }, this.#counts.paired);
      },
      ['state'],
    );
    gauge('mayfly_bans_in_force', 'Bans in force (with Redis: the whole deployment).', (metric) => {
      if (this.#counts !== undefined) metric.set(this.#counts.bans);
    });
    gauge('mayfly_pow_on', '1 while connections must bring a proof of work.', (metric) =>
      metric.set(sources.powOn() ? 1 : 0),
    );
    // The relay counts from its start; the counter follows it by the difference at each scrape.
    // Registered without an embedded relay too, as the allocation gauges are (it stays at 0).
    const seen = { toPeers: 0, toClients: 0 };
    const relayed: Counter<'direction'> = new Counter({
      name: 'mayfly_relay_bytes_total',
      help: 'Payload bytes the embedded TURN relay carried, by direction (to_peer: from clients).',
      labelNames: ['direction'],
      registers,
      collect: () => {
        const now = sources.relayedBytes?.() ?? seen;
        relayed.inc({ direction: 'to_peer' }, now.toPeers - seen.toPeers);
        relayed.inc({ direction: 'to_client' }, now.toClients - seen.toClients);
        Object.assign(seen, now);
      },
    });
    const redisUp = sources.redisUp;
    if (redisUp !== undefined) {
      gauge('mayfly_redis_up', '1 while Redis answers.', (metric) => metric.set(redisUp() ? 1 : 0));
    }
  }

  /** Counts a metadata record (the log keeps it; this keeps only the count). */
  record(record: MetadataRecord): void {
    switch (record.event) {
      case 'connect':
        this.#connectionsTotal.inc();
        return;
      case 'paired':
        this.#paired.inc();
        this.#waited.observe(record.waitedMs / 1000);
        return;
      case 'chat_ended':
        this.#chatsEnded.inc({ reason: record.reason });
        this.#chatSeconds.observe(record.durationMs / 1000);
        return;
      case 'reported':
        this.#reports.inc({ reason: record.reason });
        return;
      case 'blocked':
        this.#blocks.inc();
        return;
      case 'ban_started':
        this.#bansStarted.inc();
        return;
      case 'cut_off':
        this.#cutOffs.inc({ reason: record.reason });
        return;
      case 'relay_allocated':
        this.#relayAllocated.inc();
        this.#relayAllocations.inc();
        return;
      case 'relay_closed':
        this.#relayAllocations.dec();
        return;
      case 'relay_refused':
        this.#relayRefused.inc({ reason: record.reason });
        return;
      default:
        // disconnect, rejected and protocol_error: counted from observations (below), which
        // are not thinned out as their log lines are.
        return;
    }
  }

  /** Counts what happens more often than the log writes it down. */
  observe(observation: SignalingObservation): void {
    if (observation.event === 'rejected') this.#rejected.inc({ reason: observation.reason });
    else this.#failedEvents.inc({ code: observation.code });
  }

  /** The exposition text, for a scrape. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    this.#counts = (await this.#sources.counts().catch(() => undefined)) ?? this.#counts;
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
