/**
 * Matching shared by several signaling nodes through one Redis: the rules
 * run as one Lua script (redis-script.ts), so every decision is atomic
 * across nodes. Each node keeps a heartbeat; every node reaps the strangers
 * of a node whose heartbeat stopped, and delivers the resulting decisions
 * (their partners are told). Redis being away makes calls fail fast with
 * MatchingUnavailableError; nothing waits for it to come back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '@mayfly/protocol';
import type { Redis } from 'ioredis';
import { MatchingUnavailableError, type MatchingBackend } from './backend.js';
import type {
  BlockResult,
  Decision,
  MatchingCounts,
  MatchmakerOptions,
  MatchResult,
  ResumeResult,
  SearchLanguages,
  StrangerId,
  StrangerProfile,
  StrangerState,
} from './decisions.js';
import { MATCHING_SCRIPT } from './redis-script.js';

export interface RedisMatchingOptions extends MatchmakerOptions {
  /** Prefix of every key. @default 'mayfly:' */
  readonly keyPrefix?: string;
  /** How often this node says it is alive. @default 500 */
  readonly heartbeatMs?: number;
  /** How long a heartbeat lasts; a node silent this long is presumed dead. @default 1500 */
  readonly nodeTtlMs?: number;
  /** How long a dead-looking node gets to come back before its strangers are reaped. @default 1000 */
  readonly reapGraceMs?: number;
  /** Life of a stranger's keys; refreshed while its node lives. @default 600000 */
  readonly strangerTtlMs?: number;
}

type Operation =
  | 'register'
  | 'block'
  | 'ban'
  | 'start'
  | 'next'
  | 'stop'
  | 'remove'
  | 'hold'
  | 'resume'
  | 'pairWaiting'
  | 'nextDeadline'
  | 'get'
  | 'counts'
  | 'heartbeat'
  | 'reap'
  | 'leave';

/** Lua's cjson writes an empty table as {}, and leaves out nil values. */
function fromScript(raw: unknown): Decision[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((item: Record<string, unknown>): Decision => {
    if (item.kind === 'paired') {
      return {
        kind: 'paired',
        initiator: String(item.initiator),
        responder: String(item.responder),
        sharedInterests: Array.isArray(item.sharedInterests)
          ? item.sharedInterests.map(String)
          : [],
        nicknames: (item.nicknames ?? {}) as Record<StrangerId, string | undefined>,
        waitedMs: (item.waitedMs ?? {}) as Record<StrangerId, number>,
        resumeTokens: (item.resumeTokens ?? {}) as Record<StrangerId, string>,
        sharedLanguages: Array.isArray(item.sharedLanguages)
          ? item.sharedLanguages.map(String)
          : [],
      };
    }
    return item as unknown as Decision;
  });
}

/** Languages as the script takes them: comma-joined, and '1' for speakers of them only. */
function languageArgs(search: SearchLanguages): [string, string] {
  return [(search.languages ?? []).join(','), search.languagesOnly === true ? '1' : '0'];
}

export class RedisMatching implements MatchingBackend {
  /** This process, as the other nodes know it. */
  readonly nodeId = randomUUID();
  private readonly prefix: string;
  private readonly heartbeatMs: number;
  private readonly nodeTtlMs: number;
  private readonly reapGraceMs: number;
  private readonly strangerTtlMs: number;
  private readonly listeners: ((decisions: readonly Decision[]) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  private closed = false;
  private failing = false;

  /**
   * @param redis commands (no offline queue: calls must fail fast)
   * @param liveness a connection of its own in subscriber mode: its
   *   subscription is how the other nodes see at once that this one died
   */
  constructor(
    private readonly redis: Redis,
    private readonly liveness: Redis,
    private readonly options: RedisMatchingOptions,
    private readonly clock: Clock,
  ) {
    this.prefix = options.keyPrefix ?? 'mayfly:';
    this.heartbeatMs = options.heartbeatMs ?? 500;
    this.nodeTtlMs = options.nodeTtlMs ?? 1500;
    this.reapGraceMs = options.reapGraceMs ?? 1000;
    this.strangerTtlMs = options.strangerTtlMs ?? 600_000;
    redis.defineCommand('mayflyMatch', { numberOfKeys: 0, lua: MATCHING_SCRIPT });
  }

  /** Starts the heartbeat and the reaper; resolves once this node is known alive. */
  async join(): Promise<void> {
    await this.liveness.subscribe(`${this.prefix}alive:${this.nodeId}`);
    await this.beat();
    this.timer = setInterval(() => void this.tick(), this.heartbeatMs);
    this.timer.unref();
  }

  register(id: StrangerId, tags: readonly string[] = []): Promise<void> {
    return this.call('register', id, tags.join(',')).then(() => undefined);
  }

  async block(id: StrangerId, blockMs: number): Promise<BlockResult> {
    const raw = await this.call('block', id, blockMs);
    if (raw.ok !== true)
      return { ok: false, code: raw.code as 'invalid_state' | 'unknown_stranger' };
    const partnerTags = Array.isArray(raw.partnerTags) ? raw.partnerTags.map(String) : [];
    return { ok: true, decisions: fromScript(raw.decisions), partnerTags };
  }

  async ban(tags: readonly string[], until: number): Promise<readonly Decision[]> {
    if (tags.length === 0) return [];
    return fromScript((await this.call('ban', until, ...tags)).decisions);
  }

  start(id: StrangerId, profile: StrangerProfile): Promise<MatchResult> {
    const { interests, nickname } = profile;
    return this.result('start', id, interests.join(','), nickname ?? '', ...languageArgs(profile));
  }

  next(id: StrangerId, languages: SearchLanguages = {}): Promise<MatchResult> {
    return this.result('next', id, ...languageArgs(languages));
  }

  stop(id: StrangerId): Promise<MatchResult> {
    return this.result('stop', id);
  }

  async remove(id: StrangerId): Promise<readonly Decision[]> {
    return fromScript((await this.call('remove', id)).decisions);
  }

  async hold(id: StrangerId): Promise<readonly Decision[]> {
    return fromScript((await this.call('hold', id)).decisions);
  }

  async resume(id: StrangerId, token: string): Promise<ResumeResult> {
    const raw = await this.call('resume', id, token);
    if (raw.ok !== true) {
      return { ok: false, code: raw.code as Extract<ResumeResult, { ok: false }>['code'] };
    }
    return {
      ok: true,
      decisions: fromScript(raw.decisions),
      resumeToken: String(raw.resumeToken),
      partnerPresent: raw.partnerPresent === true,
    };
  }

  async pairWaiting(): Promise<readonly Decision[]> {
    return fromScript((await this.call('pairWaiting')).decisions);
  }

  async nextDeadline(): Promise<number | undefined> {
    const { deadline } = await this.call('nextDeadline');
    return typeof deadline === 'number' ? deadline : undefined;
  }

  async stateOf(id: StrangerId): Promise<StrangerState | undefined> {
    return (await this.call('get', id)).state as StrangerState | undefined;
  }

  async partnerOf(id: StrangerId): Promise<StrangerId | undefined> {
    return (await this.call('get', id)).partner as StrangerId | undefined;
  }

  async counts(): Promise<MatchingCounts> {
    return (await this.call('counts')) as unknown as MatchingCounts;
  }

  onDecisions(listener: (decisions: readonly Decision[]) => void): void {
    this.listeners.push(listener);
  }

  /** Takes this node's strangers out (their partners are told) and stops the heartbeat. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    try {
      this.emit(fromScript((await this.call('leave')).decisions));
    } catch {
      // Redis away: the other nodes reap this node once its heartbeat lapses.
    }
  }

  private async tick(): Promise<void> {
    try {
      await this.beat();
      const reaped = fromScript((await this.call('reap', this.reapGraceMs)).decisions);
      // Back after an outage: the adapter reschedules matching even with nothing to deliver.
      if (reaped.length > 0 || this.failing) this.emit(reaped);
      this.failing = false;
    } catch {
      // Redis away: try again at the next beat. Calls fail fast meanwhile.
      this.failing = true;
    }
  }

  private async beat(): Promise<void> {
    // Every minute or so, also refresh the TTL of this node's strangers.
    const refresh = this.beats++ % Math.max(1, Math.round(60_000 / this.heartbeatMs)) === 0;
    await this.call('heartbeat', refresh ? '1' : '0');
  }

  private emit(decisions: readonly Decision[]): void {
    for (const listener of this.listeners) listener(decisions);
  }

  private async result(op: Operation, ...args: (string | number)[]): Promise<MatchResult> {
    const raw = await this.call(op, ...args);
    if (raw.ok !== true && raw.code === 'banned') {
      return { ok: false, code: 'banned', until: Number(raw.until) };
    }
    if (raw.ok !== true)
      return { ok: false, code: raw.code as 'invalid_state' | 'unknown_stranger' };
    return { ok: true, decisions: fromScript(raw.decisions) };
  }

  private async call(
    op: Operation,
    ...args: (string | number)[]
  ): Promise<Record<string, unknown>> {
    const { interestWaitMs, skipMemoryMs } = this.options;
    let raw: unknown;
    try {
      // defineCommand adds the method at run time; ioredis's types cannot know it.
      const command = (
        this.redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
      ).mayflyMatch;
      if (command === undefined) throw new Error('mayflyMatch is not defined');
      raw = await command.call(
        this.redis,
        op,
        this.prefix,
        this.clock.now(),
        this.nodeId,
        interestWaitMs,
        skipMemoryMs,
        this.strangerTtlMs,
        this.nodeTtlMs,
        randomBytes(32).toString('hex'),
        this.options.resumeGraceMs ?? 0,
        this.options.languageWaitMs ?? 0,
        this.options.languageOnlyWaitMs ?? 120_000,
        ...args,
      );
    } catch (error) {
      throw new MatchingUnavailableError({ cause: error });
    }
    return JSON.parse(String(raw)) as Record<string, unknown>;
  }
}
