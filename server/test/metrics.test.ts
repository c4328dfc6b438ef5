/**
 * /metrics: off by default, on its own port or behind a bearer token, and
 * aggregates only. A real service (one process, and a node on a real Redis),
 * real clients from distinct addresses with nicknames and interests; the
 * scrape must count what happened and carry nothing that identifies anyone.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config.js';
import { startMayfly, type Mayfly } from '../src/server.js';
import { testPrefix, TEST_REDIS_URL } from './cluster-helpers.js';
import { type Client, connectClient, nextEvent, startSearch } from './helpers.js';
import { expositionProblems } from './metrics-exposition.js';

const TOKEN = 'metrics-token-for-tests-0123456789';
const running: { mayfly: Mayfly; cleanup: () => Promise<void> }[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const { mayfly, cleanup } of running.splice(0)) {
    await mayfly.close();
    await cleanup();
  }
});

/** The port the separate metrics server bound (METRICS_PORT=0: any free one). */
function metricsPortOf(mayfly: Mayfly): number {
  const port = mayfly.metricsPort();
  if (port === undefined) throw new Error('no metrics server');
  return port;
}

async function start(env: Record<string, string>): Promise<{ mayfly: Mayfly; url: string }> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-metrics-'));
  const config = parseConfig({
    LOG_DIR: logDir,
    PORT: '0',
    HOST: '127.0.0.1',
    TURN_MODE: 'off',
    WEB_BUILD_DIR: logDir,
    TRUST_PROXY_HOPS: '1',
    CONNECTIONS_PER_MINUTE: '100000',
    STARTS_PER_MINUTE: '100000',
    BAN_REPORTS: '1',
    INTEREST_WAIT_SECONDS: '0',
    ...env,
  });
  const mayfly = await startMayfly(config);
  const prefix = env.REDIS_KEY_PREFIX;
  running.push({
    mayfly,
    async cleanup() {
      rmSync(logDir, { recursive: true, force: true });
      if (prefix === undefined) return;
      const redis = new Redis(TEST_REDIS_URL);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  });
  const port = await mayfly.listen();
  return { mayfly, url: `http://127.0.0.1:${port}` };
}

async function from(url: string, address: string): Promise<Client> {
  const client = await connectClient({ url }, { forwardedFor: address });
  clients.push(client);
  return client;
}

describe('metrics endpoint', () => {
  it('is off by default: no /metrics on the main port', async () => {
    const { url, mayfly } = await start({});
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect(mayfly.metricsPort()).toBeUndefined();
    const statement = (await (await fetch(`${url}/privacy.json`)).json()) as {
      metrics: { enabled: boolean };
    };
    expect(statement.metrics.enabled).toBe(false);
  });

  it('answers on the main port only to the bearer token', async () => {
    const { url } = await start({ METRICS_TOKEN: TOKEN });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const scrape = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain');
    expect(await scrape.text()).toContain('mayfly_connections ');
    // The privacy statement says the endpoint is on, and what it holds.
    const statement = (await (await fetch(`${url}/privacy.json`)).json()) as {
      metrics: { enabled: boolean; never: string };
    };
    expect(statement.metrics.enabled).toBe(true);
    expect(statement.metrics.never).toContain('No label or value names a client');
  });

  it('serves /metrics alone on METRICS_PORT, and nothing there needs a token', async () => {
    const { url, mayfly } = await start({ METRICS_PORT: '0' });
    const port = metricsPortOf(mayfly);
    expect(port).not.toBe(Number(new URL(url).port));
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
    // Without a token the main port has none.
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it('has every metric the Grafana dashboard in deploy/ charts', async () => {
    // With Redis, as a deployment of several nodes runs, so that mayfly_redis_up is there too.
    const { mayfly } = await start({
      METRICS_PORT: '0',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: testPrefix(),
    });
    const exposition = await (
      await fetch(`http://127.0.0.1:${metricsPortOf(mayfly)}/metrics`)
    ).text();
    const dashboard = readFileSync(
      path.resolve(import.meta.dirname, '../../deploy/grafana/mayfly.json'),
      'utf8',
    );
    const charted = new Set(dashboard.match(/\b(?:mayfly|process|nodejs)_[a-z0-9_]+/gu));
    expect(charted.size).toBeGreaterThan(10);
    for (const name of charted) {
      const family = name.replace(/_(bucket|count|sum)$/u, '');
      expect(exposition, name).toContain(`# TYPE ${family} `);
    }
  });
});

const BACKENDS: [string, () => Record<string, string>][] = [
  ['in memory', () => ({})],
  ['Redis', () => ({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: testPrefix() })],
];

describe.each(BACKENDS)('what a scrape holds (%s)', (_name, backendEnv) => {
  it('counts a call, a Next, a report and a ban, and carries no address, pseudonym, nickname or interest', async () => {
    const { url, mayfly } = await start({ ...backendEnv(), METRICS_PORT: '0' });
    const port = metricsPortOf(mayfly);
    const scrape = async (): Promise<string> =>
      (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const secrets = ['203.0.113.77', '2001:db8:77::5', 'Zanzibar', 'ornithology', 'bouldering'];

    const a = await from(url, '203.0.113.77');
    const b = await from(url, '2001:db8:77::5');
    const matched = nextEvent(a, 'matched');
    expect(await startSearch(a, { nickname: 'Zanzibar', interests: ['ornithology'] })).toEqual({
      ok: true,
    });
    expect(await startSearch(b, { interests: ['ornithology', 'bouldering'] })).toEqual({
      ok: true,
    });
    await matched;
    const during = await scrape();
    expect(during).toMatch(/^mayfly_strangers\{state="chatting"\} 2$/mu);
    expect(during).toMatch(/^mayfly_paired_strangers_total 2$/mu);
    expect(during).toMatch(/^mayfly_wait_seconds_count 2$/mu);
    expect(during).toMatch(/^mayfly_connections 2$/mu);

    const left = nextEvent(b, 'partnerLeft');
    expect(await a.emitWithAck('next')).toEqual({ ok: true });
    await left;
    expect(await a.emitWithAck('signal', { type: 'renegotiate', renegotiate: true })).toMatchObject(
      {
        ok: false,
      },
    );
    // b meets a again? No: a skipped b. A third stranger meets a, and reports them (one report bans).
    const c = await from(url, '198.51.100.8');
    const matchedC = nextEvent(c, 'matched');
    expect(await startSearch(c)).toEqual({ ok: true });
    await matchedC;
    expect(await c.emitWithAck('report', { reason: 'harassment' })).toEqual({ ok: true });
    await expect(from(url, '203.0.113.77').then(() => 'admitted')).resolves.toBe('admitted');

    const after = await scrape();
    expect(after).toMatch(/^mayfly_chats_ended_total\{reason="next"\} 2$/mu);
    expect(after).toMatch(/^mayfly_reports_total\{reason="harassment"\} 1$/mu);
    expect(after).toMatch(/^mayfly_bans_started_total 1$/mu);
    expect(after).toMatch(/^mayfly_bans_in_force 1$/mu);
    expect(after).toMatch(/^mayfly_failed_events_total\{code="no_partner"\} 1$/mu);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/mu);
    if (backendEnv().REDIS_URL !== undefined) expect(after).toMatch(/^mayfly_redis_up 1$/mu);

    for (const text of [during, after]) expect(expositionProblems(text, secrets)).toEqual([]);
  });
});
