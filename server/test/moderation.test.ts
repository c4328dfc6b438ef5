/**
 * Reports, blocks, temporary bans and cut-off cool-downs, through the real
 * service on both backends (one process in memory, and a node on a real
 * Redis): clients on distinct addresses (a trusted proxy header), real
 * sockets, the real log.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { MatchingBackend } from '@mayfly/signaling';
import { ManualClock } from '@mayfly/protocol';
import { startNode, testPrefix, TEST_REDIS_URL } from './cluster-helpers.js';
import {
  type Client,
  connectClient,
  nextEvent,
  settle,
  startSearch,
  startServer,
} from './helpers.js';
import { readRecords } from './raw-client.js';

interface Deployment {
  readonly url: string;
  readonly logDir: string;
  readonly matching: MatchingBackend;
  close(): Promise<void>;
}

type Backend = (env: Record<string, string>, clock?: ManualClock) => Promise<Deployment>;

const BACKENDS: [string, Backend][] = [
  [
    'in memory',
    async (env, clock) => {
      const server = await startServer(env, clock === undefined ? {} : { clock });
      return {
        url: server.url,
        logDir: server.logDir,
        matching: server.app.signaling.matching,
        close: () => server.close(),
      };
    },
  ],
  [
    'Redis',
    async (env, clock) => {
      const prefix = testPrefix();
      const node = await startNode(
        { REDIS_KEY_PREFIX: prefix, MAX_CONNECTIONS_PER_ADDRESS: '10', ...env },
        clock === undefined ? {} : { clock },
      );
      return {
        url: node.url,
        logDir: node.logDir,
        matching: node.mayfly.app.signaling.matching,
        async close() {
          await node.close();
          const redis = new Redis(TEST_REDIS_URL);
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length > 0) await redis.del(...keys);
          redis.disconnect();
        },
      };
    },
  ],
];

let deployment: Deployment | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await deployment?.close();
  deployment = undefined;
});

/** A budget that a few hundred events overrun, and cool-downs of 10 s, doubling. */
const COOL_DOWN_ENV = {
  RATE_LIMIT_BURST: '5',
  RATE_LIMIT_DISCONNECT_AFTER: '10',
  CUT_OFF_COOLDOWN_SECONDS: '10',
  CUT_OFF_COOLDOWN_MAX_SECONDS: '900',
};

describe.each(BACKENDS)('moderation (%s)', (_name, backend) => {
  async function serve(env: Record<string, string> = {}, clock?: ManualClock): Promise<Deployment> {
    deployment = await backend({ TRUST_PROXY_HOPS: '1', ...env }, clock);
    return deployment;
  }

  async function from(address: string): Promise<Client> {
    if (deployment === undefined) throw new Error('no server');
    const client = await connectClient(deployment, { forwardedFor: address });
    clients.push(client);
    return client;
  }

  /** Starts both (the first waiting before the second) and resolves once they are paired. */
  async function pair(first: Client, second: Client): Promise<void> {
    const matched = nextEvent(first, 'matched');
    expect(await startSearch(first)).toEqual({ ok: true });
    expect(await startSearch(second)).toEqual({ ok: true });
    await matched;
  }

  /** A new stranger from `address` meets `offender` (who must be idle) and reports them. */
  async function reportFrom(offender: Client, address: string): Promise<void> {
    const reporter = await from(address);
    await pair(offender, reporter);
    const left = nextEvent(offender, 'partnerLeft');
    expect(await reporter.emitWithAck('report', { reason: 'sexual' })).toEqual({ ok: true });
    await left;
    reporter.disconnect();
  }

  describe('reports and blocks', () => {
    it('a report ends the chat as a Next would, and the two are not matched again', async () => {
      await serve();
      const a = await from('198.51.100.1');
      const b = await from('198.51.100.2');
      await pair(a, b);
      const left = nextEvent(b, 'partnerLeft');
      expect(await a.emitWithAck('report', { reason: 'harassment' })).toEqual({ ok: true });
      expect(await left).toEqual({ reason: 'next' });
      expect(await a.emitWithAck('signal', { type: 'renegotiate', renegotiate: true })).toEqual({
        ok: false,
        code: 'no_partner',
      });
      // Both look again: they wait rather than meet; a third stranger meets the first of them.
      expect(await startSearch(b)).toEqual({ ok: true });
      expect(await startSearch(a)).toEqual({ ok: true });
      await settle(a, b);
      const c = await from('198.51.100.3');
      const matchedB = nextEvent(b, 'matched');
      await startSearch(c);
      expect(await matchedB).toMatchObject({ initiator: true });
    });

    it('a block holds after both reconnect from the same addresses', async () => {
      await serve();
      const a = await from('198.51.100.1');
      const b = await from('198.51.100.2');
      await pair(a, b);
      expect(await b.emitWithAck('block')).toEqual({ ok: true });
      a.disconnect();
      b.disconnect();
      const a2 = await from('198.51.100.1');
      const b2 = await from('198.51.100.2');
      let met = false;
      a2.on('matched', () => (met = true));
      expect(await startSearch(a2)).toEqual({ ok: true });
      expect(await startSearch(b2)).toEqual({ ok: true });
      await settle(a2, b2);
      expect(met).toBe(false);
      expect(await deployment?.matching.stateOf(b2.id ?? '')).toBe('waiting');
    });

    it('refuses a report without a partner or with a reason outside the list', async () => {
      await serve();
      const a = await from('198.51.100.1');
      expect(await a.emitWithAck('report', { reason: 'harassment' })).toEqual({
        ok: false,
        code: 'no_partner',
      });
      const b = await from('198.51.100.2');
      await pair(a, b);
      expect(await a.emitWithAck('report', { reason: 'ugly' } as never)).toEqual({
        ok: false,
        code: 'invalid_payload',
      });
      expect(await a.emitWithAck('report', { reason: 'spam', who: 'b' } as never)).toEqual({
        ok: false,
        code: 'invalid_payload',
      });
    });
  });

  describe('temporary bans', () => {
    it('bans an address reported by three different addresses, and says for how long', async () => {
      const target = await serve({ BAN_REPORTS: '3', BAN_MINUTES: '30' });
      const offender = await from('203.0.113.9');
      await reportFrom(offender, '198.51.100.1');
      await reportFrom(offender, '198.51.100.2');
      expect(await startSearch(offender)).toEqual({ ok: true });
      await offender.emitWithAck('stop');
      await reportFrom(offender, '198.51.100.3');

      const refused = await startSearch(offender);
      expect(refused).toMatchObject({ ok: false, code: 'banned' });
      const retryAfterMs = refused.ok ? 0 : (refused.retryAfterMs ?? 0);
      expect(retryAfterMs).toBeGreaterThan(29 * 60_000);
      expect(retryAfterMs).toBeLessThanOrEqual(30 * 60_000);
      // A new connection from the banned address is refused too; others are not.
      const again = await from('203.0.113.9');
      expect(await startSearch(again)).toMatchObject({ ok: false, code: 'banned' });
      const bystander = await from('198.51.100.7');
      expect(await startSearch(bystander)).toEqual({ ok: true });

      await expect
        .poll(() => readRecords(target.logDir).filter((record) => record.event === 'ban_started'))
        .toEqual([expect.objectContaining({ durationMs: 30 * 60_000 })]);
      const records = readRecords(target.logDir);
      expect(records.filter((record) => record.event === 'reported')).toHaveLength(3);
      const text = JSON.stringify(records);
      for (const address of ['203.0.113.9', '198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        expect(text).not.toContain(address);
      }
    });

    it('takes the banned address out of matching everywhere: its other chat ends, its waiting connection leaves the queue, Next and Start are refused', async () => {
      await serve({ BAN_REPORTS: '3', BAN_MINUTES: '30' });
      const offender = '203.0.113.9';
      const reported = await from(offender);
      await reportFrom(reported, '198.51.100.1');
      await reportFrom(reported, '198.51.100.2');
      // The third reporter is chatting with the offender's first tab...
      const lastReporter = await from('198.51.100.3');
      await pair(reported, lastReporter);
      // ...a second tab of the offender chats with someone else...
      const chatting = await from(offender);
      const partner = await from('198.51.100.50');
      await pair(chatting, partner);
      // ...and a third tab waits for a stranger.
      const waiting = await from(offender);
      expect(await startSearch(waiting)).toEqual({ ok: true });

      const chattingBanned = nextEvent(chatting, 'banned');
      const waitingBanned = nextEvent(waiting, 'banned');
      const partnerLeft = nextEvent(partner, 'partnerLeft');
      expect(await lastReporter.emitWithAck('report', { reason: 'harassment' })).toEqual({
        ok: true,
      });
      // The chat in progress ends at once; its partner is told as if the offender pressed Stop.
      expect(await partnerLeft).toEqual({ reason: 'stop' });
      expect((await chattingBanned).retryAfterMs).toBeGreaterThan(29 * 60_000);
      expect((await waitingBanned).retryAfterMs).toBeGreaterThan(29 * 60_000);
      expect(await deployment?.matching.stateOf(waiting.id ?? '')).toBe('idle');
      expect(await deployment?.matching.stateOf(chatting.id ?? '')).toBe('idle');

      // Every way back into matching is refused: Next from any tab, Start, a new connection.
      for (const tab of [reported, chatting, waiting]) {
        expect(await tab.emitWithAck('next')).toMatchObject({ ok: false, code: 'banned' });
        expect(await startSearch(tab)).toMatchObject({ ok: false, code: 'banned' });
      }
      const reconnected = await from(offender);
      expect(await startSearch(reconnected)).toMatchObject({ ok: false, code: 'banned' });
      // A newcomer finds nobody from the banned address waiting.
      const newcomer = await from('198.51.100.60');
      let met = false;
      newcomer.on('matched', () => (met = true));
      expect(await startSearch(newcomer)).toEqual({ ok: true });
      await settle(newcomer, waiting, chatting);
      expect(met).toBe(false);
      expect(await deployment?.matching.stateOf(newcomer.id ?? '')).toBe('waiting');
      // The partner who lost the chat meets the newcomer.
      const matched = nextEvent(partner, 'matched');
      expect(await partner.emitWithAck('next')).toEqual({ ok: true });
      await matched;
    });

    it('treats an IPv6 household as one address: its other /64s are kept apart from whom it reported, and count as one reporter', async () => {
      const clock = new ManualClock(Date.now());
      await serve({ BAN_REPORTS: '3', BLOCK_MINUTES: '1', REPORT_WINDOW_MINUTES: '60' }, clock);
      const offender = await from('203.0.113.9');
      await reportFrom(offender, '2001:db8:1:1::1');
      // Another network of the same home is kept apart from the stranger it reported.
      const sameHome = await from('2001:db8:1:2::1');
      let met = false;
      sameHome.on('matched', () => (met = true));
      expect(await startSearch(offender)).toEqual({ ok: true });
      expect(await startSearch(sameHome)).toEqual({ ok: true });
      await settle(offender, sameHome);
      expect(met).toBe(false);
      await offender.emitWithAck('stop');
      sameHome.disconnect();
      // Once the block is over, two more of its /64s report: still one reporter.
      for (const address of ['2001:db8:1:2::1', '2001:db8:1:3::1']) {
        clock.advance(61_000);
        await reportFrom(offender, address);
      }
      expect(await startSearch(offender)).toEqual({ ok: true });
      expect(await offender.emitWithAck('stop')).toEqual({ ok: true });
      // Two other households make three reporters.
      await reportFrom(offender, '2001:db8:2::1');
      await reportFrom(offender, '2001:db8:3::1');
      expect(await startSearch(offender)).toMatchObject({ ok: false, code: 'banned' });
    });

    it('holds a ban on an IPv6 address for every /64 of its /56, and only there', async () => {
      await serve({ BAN_REPORTS: '3' });
      const offender = await from('2001:db8:9:1::1');
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        await reportFrom(offender, address);
      }
      expect(await startSearch(offender)).toMatchObject({ ok: false, code: 'banned' });
      const moved = await from('2001:db8:9:ff::1');
      expect(await startSearch(moved)).toMatchObject({ ok: false, code: 'banned' });
      const neighbour = await from('2001:db8:9:100::1');
      expect(await startSearch(neighbour)).toEqual({ ok: true });
    });
  });

  describe('log volume a client controls', () => {
    it('writes one protocol_error line per connection however many events fail, and counts them all in its disconnect line', async () => {
      const target = await serve();
      const noisy = await from('203.0.113.9');
      for (let i = 0; i < 30; i++) {
        expect(await noisy.emitWithAck('report', { reason: 'spam' })).toMatchObject({ ok: false });
      }
      expect(await noisy.emitWithAck('next')).toMatchObject({ ok: false, code: 'invalid_state' });
      noisy.disconnect();
      await expect
        .poll(() => readRecords(target.logDir).filter((record) => record.event === 'disconnect'))
        .toEqual([expect.objectContaining({ protocolErrors: 31 })]);
      expect(
        readRecords(target.logDir).filter((record) => record.event === 'protocol_error'),
      ).toEqual([expect.objectContaining({ code: 'no_partner' })]);
    });
  });

  /**
   * `address` is refused a connection, once the server has recorded why: a cut-off reaches
   * Redis a moment after the connection is gone (the record is not awaited).
   */
  async function expectRefused(address: string): Promise<void> {
    await expect
      .poll(
        () =>
          from(address).then(
            (early) => {
              // Admitted before the record landed: let go at once, or these would fill the
              // address's cap of live connections, which refuses too (and not for the cool-down).
              early.disconnect();
              return 'connected';
            },
            () => 'refused',
          ),
        { timeout: 2_000 },
      )
      .toBe('refused');
  }

  /** Floods the server from `address` until it cuts the connection off. */
  async function floodFrom(address: string): Promise<void> {
    const flooder = await from(address);
    const gone = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
    for (let i = 0; i < 200 && flooder.connected; i++) flooder.emit('stop');
    expect(await gone).toBe('io server disconnect');
  }

  /** `address` is still refused halfway through a cool-down of `ms`, and admitted at its end. */
  async function expectCooledDownFor(
    clock: ManualClock,
    address: string,
    ms: number,
  ): Promise<void> {
    clock.advance(ms / 2);
    await expect(from(address)).rejects.toThrow();
    clock.advance(ms / 2);
    await expect(from(address)).resolves.toBeDefined();
  }

  describe('cool-down after a cut-off', () => {
    it('refuses the address of a connection cut off for flooding for a while, longer each time, and no one else', async () => {
      const clock = new ManualClock(Date.now());
      const target = await serve(COOL_DOWN_ENV, clock);
      await floodFrom('203.0.113.9');
      // Reconnecting at once does not buy a fresh budget; other addresses are not affected.
      await expectRefused('203.0.113.9');
      await expect(from('198.51.100.1')).resolves.toBeDefined();
      clock.advance(10_000);
      await floodFrom('203.0.113.9');
      await expectRefused('203.0.113.9');
      // The second cut-off costs twice as long.
      await expectCooledDownFor(clock, '203.0.113.9', 20_000);

      // The log is written asynchronously: wait for the second cut-off's line to land.
      await expect
        .poll(() => readRecords(target.logDir).filter((record) => record.event === 'cut_off'))
        .toHaveLength(2);
      const records = readRecords(target.logDir);
      // Two refusals within a minute: one line (refusals cost a client nothing to repeat).
      expect(
        records.filter(
          (record) => record.event === 'rejected' && record.reason === 'connection_rate',
        ),
      ).toHaveLength(1);
      expect(JSON.stringify(records)).not.toContain('203.0.113.9');
    });
  });

  describe('cool-down across a key change', () => {
    it('keeps refusing, and keeps doubling, when the address tags change epoch between cut-offs', async () => {
      // Blocks, bans and report windows of a minute: the tags' key changes every minute.
      const epochMs = 60_000;
      const boundary = Math.ceil(Date.now() / epochMs) * epochMs + epochMs;
      const clock = new ManualClock(boundary - 1_000);
      await serve(
        { ...COOL_DOWN_ENV, BLOCK_MINUTES: '1', BAN_MINUTES: '1', REPORT_WINDOW_MINUTES: '1' },
        clock,
      );
      await floodFrom('203.0.113.9');
      await expectRefused('203.0.113.9');
      // A second later the key has changed: the cut-off under the old tag still holds.
      clock.advance(2_000);
      await expect(from('203.0.113.9')).rejects.toThrow();
      clock.advance(8_000);
      await floodFrom('203.0.113.9');
      await expectRefused('203.0.113.9');
      // The second cut-off, under the new tag, still costs twice as long as the first.
      await expectCooledDownFor(clock, '203.0.113.9', 20_000);
    });
  });

  describe('what a report keeps', () => {
    it('/privacy.json states it from the running configuration', async () => {
      const target = await serve({
        BLOCK_MINUTES: '90',
        BAN_REPORTS: '4',
        REPORT_WINDOW_MINUTES: '45',
        BAN_MINUTES: '20',
      });
      const statement = (await (await fetch(`${target.url}/privacy.json`)).json()) as {
        reports: Record<string, unknown> & { kept: string[]; ban: string };
      };
      expect(statement.reports).toMatchObject({
        blockMinutes: 90,
        banReports: 4,
        reportWindowMinutes: 45,
        banMinutes: 20,
      });
      expect(statement.reports.kept.join(' ')).toContain('for 90 minutes');
      expect(statement.reports.kept.join(' ')).toContain('for 45 minutes');
      expect(statement.reports.ban).toContain(
        'Reports from 4 different addresses within 45 minutes',
      );
      expect(statement.reports.ban).toContain('for 20 minutes');
    });
    it('/privacy.json says one minute, not "1 minutes"', async () => {
      const target = await serve({
        BAN_REPORTS: '1',
        REPORT_WINDOW_MINUTES: '1',
        BAN_MINUTES: '1',
      });
      const statement = (await (await fetch(`${target.url}/privacy.json`)).json()) as {
        reports: { kept: string[]; ban: string };
      };
      expect(statement.reports.ban).toContain(
        'Reports from 1 different address within 1 minute ban',
      );
      expect(statement.reports.ban).toContain('for 1 minute:');
      expect(JSON.stringify(statement)).not.toMatch(/\b1 (minutes|hours|seconds)\b/u);
    });
  });

  describe('limits per address over time', () => {
    it('refuses new connections past the per-minute limit of one address, not of others', async () => {
      await serve({ CONNECTIONS_PER_MINUTE: '3' });
      for (let i = 0; i < 3; i++) await from('198.51.100.1');
      await expect(from('198.51.100.1')).rejects.toThrow();
      await expect(from('198.51.100.2')).resolves.toBeDefined();
    });

    it('answers Start and Next past the per-minute limit with rate_limited and how long to wait', async () => {
      await serve({ STARTS_PER_MINUTE: '2' });
      const a = await from('198.51.100.1');
      const b = await from('198.51.100.2');
      await pair(a, b);
      expect(await a.emitWithAck('next')).toEqual({ ok: true });
      const refused = await a.emitWithAck('next');
      expect(refused).toMatchObject({ ok: false, code: 'rate_limited' });
      expect(refused.ok ? 0 : (refused.retryAfterMs ?? 0)).toBeGreaterThan(0);
      // Another address is not affected.
      expect(await b.emitWithAck('stop')).toEqual({ ok: true });
      expect(await startSearch(b)).toEqual({ ok: true });
    });
  });
});
