/**
 * Reports, blocks and temporary bans, through the real service: clients on
 * distinct addresses (a trusted proxy header), real sockets, the real log.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Client,
  connectClient,
  nextEvent,
  settle,
  startSearch,
  startServer,
  type TestServer,
} from './helpers.js';

let server: TestServer | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await server?.close();
  server = undefined;
});

async function serve(env: Record<string, string> = {}): Promise<TestServer> {
  server = await startServer({ TRUST_PROXY_HOPS: '1', ...env });
  return server;
}

async function from(address: string): Promise<Client> {
  if (server === undefined) throw new Error('no server');
  const client = await connectClient(server, { forwardedFor: address });
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
    expect(await server?.app.signaling.matching.stateOf(b2.id ?? '')).toBe('waiting');
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
    const reportFrom = async (address: string): Promise<void> => {
      const reporter = await from(address);
      await pair(offender, reporter);
      const left = nextEvent(offender, 'partnerLeft');
      expect(await reporter.emitWithAck('report', { reason: 'sexual' })).toEqual({ ok: true });
      await left;
      reporter.disconnect();
    };
    await reportFrom('198.51.100.1');
    await reportFrom('198.51.100.2');
    expect(await startSearch(offender)).toEqual({ ok: true });
    await offender.emitWithAck('stop');
    await reportFrom('198.51.100.3');

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

    await target.app.close();
    const records = readdirSync(target.logDir)
      .filter((name) => name.endsWith('.jsonl'))
      .flatMap((name) => readFileSync(path.join(target.logDir, name), 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.filter((record) => record.event === 'reported')).toHaveLength(3);
    expect(records.filter((record) => record.event === 'ban_started')).toEqual([
      expect.objectContaining({ durationMs: 30 * 60_000 }),
    ]);
    const text = JSON.stringify(records);
    for (const address of ['203.0.113.9', '198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      expect(text).not.toContain(address);
    }
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
    expect(statement.reports.ban).toContain('Reports from 4 different addresses within 45 minutes');
    expect(statement.reports.ban).toContain('for 20 minutes');
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
