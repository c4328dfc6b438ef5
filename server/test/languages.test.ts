/**
 * Matching by spoken language through the real service, on both backends:
 * languages given at Start, shared ones told at the match, a speakers-only
 * search that ends, bad input refused, and (on Redis) languages gone from
 * the stranger's keys once the wait is over.
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

interface Deployment {
  readonly url: string;
  readonly matching: MatchingBackend;
  readonly prefix: string | undefined;
  close(): Promise<void>;
}

const BACKENDS: [
  string,
  (env: Record<string, string>, clock: ManualClock) => Promise<Deployment>,
][] = [
  [
    'in memory',
    async (env, clock) => {
      const server = await startServer(env, { clock });
      const matching = server.app.signaling.matching;
      return { url: server.url, matching, prefix: undefined, close: () => server.close() };
    },
  ],
  [
    'Redis',
    async (env, clock) => {
      const prefix = testPrefix();
      const node = await startNode({ REDIS_KEY_PREFIX: prefix, ...env }, { clock });
      return {
        url: node.url,
        matching: node.mayfly.app.signaling.matching,
        prefix,
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

describe.each(BACKENDS)('matching by language (%s)', (_name, backend) => {
  async function serve(clock = new ManualClock(Date.now())): Promise<Deployment> {
    deployment = await backend(
      { LANGUAGE_WAIT_SECONDS: '10', LANGUAGE_ONLY_WAIT_SECONDS: '60' },
      clock,
    );
    return deployment;
  }
  async function client(): Promise<Client> {
    if (deployment === undefined) throw new Error('no server');
    const socket = await connectClient(deployment);
    clients.push(socket);
    return socket;
  }

  it('pairs the stranger who speaks your language before an earlier one who does not, and says which', async () => {
    await serve();
    const spanish = await client();
    const japanese = await client();
    const bilingual = await client();
    expect(await startSearch(spanish, { languages: ['es-MX'] })).toEqual({ ok: true });
    expect(await startSearch(japanese, { languages: ['ja'] })).toEqual({ ok: true });
    await settle(spanish, japanese);
    const matched = nextEvent(japanese, 'matched');
    expect(await startSearch(bilingual, { languages: ['EN', 'ja-JP'] })).toEqual({ ok: true });
    expect(await matched).toMatchObject({ initiator: true, sharedLanguages: ['ja'] });
    expect(await deployment?.matching.stateOf(spanish.id ?? '')).toBe('waiting');
  });

  it('keeps languages only while the stranger waits', async () => {
    const target = await serve();
    const a = await client();
    const b = await client();
    await startSearch(a, { languages: ['tr'] });
    if (target.prefix !== undefined) {
      const redis = new Redis(TEST_REDIS_URL);
      expect(await redis.hget(`${target.prefix}s:${a.id}`, 'languages')).toBe('tr');
      const matched = nextEvent(a, 'matched');
      await startSearch(b, { languages: ['tr'] });
      await matched;
      expect(await redis.hget(`${target.prefix}s:${a.id}`, 'languages')).toBeNull();
      expect(await redis.hget(`${target.prefix}s:${b.id}`, 'languages')).toBeNull();
      redis.disconnect();
    }
  });

  it('ends a speakers-only search that finds nobody, and tells the client why', async () => {
    const clock = new ManualClock(Date.now());
    await serve(clock);
    const strict = await client();
    const other = await client();
    expect(await startSearch(strict, { languages: ['ar'], languagesOnly: true })).toEqual({
      ok: true,
    });
    expect(await startSearch(other, { languages: ['hi'] })).toEqual({ ok: true });
    clock.advance(60_000);
    // Anything that makes the server look at the queue again: a third stranger arriving.
    const ended = nextEvent(strict, 'searchEnded');
    await startSearch(await client());
    expect(await ended).toEqual({ reason: 'no_language_match' });
    expect(await deployment?.matching.stateOf(strict.id ?? '')).toBe('idle');
  });

  it('refuses more than three languages, or one that is not a language tag', async () => {
    await serve();
    const a = await client();
    expect(await startSearch(a, { languages: ['es', 'en', 'fr', 'de'] })).toEqual({
      ok: false,
      code: 'invalid_languages',
    });
    expect(await startSearch(a, { languages: ['klingon!'] })).toEqual({
      ok: false,
      code: 'invalid_languages',
    });
    expect(await startSearch(a, { languages: ['es', 'es-ES', 'ES'] })).toEqual({ ok: true });
  });
});
