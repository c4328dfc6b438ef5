/**
 * Several signaling nodes on one real Redis act as one service: strangers
 * on different nodes meet, talk, skip and leave as on one node, limits hold
 * across nodes, and nothing stays in Redis that should not.
 */
import { Redis } from 'ioredis';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Signal } from '@mayfly/protocol';
import {
  keysUnder,
  startNode,
  testPrefix,
  TEST_REDIS_URL,
  type TestNode,
} from './cluster-helpers.js';
import {
  attempt,
  type Client,
  connectClient,
  nextEvent,
  settle,
  solved,
  startSearch,
} from './helpers.js';

const OFFER: Signal = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n' };

const nodes: TestNode[] = [];
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const node of nodes.splice(0)) await node.close();
});

async function cluster<N extends number>(
  count: N,
  env: Record<string, string> = {},
): Promise<TestNode[] & { [I in 0 | 1 | 2]: TestNode }> {
  const prefix = testPrefix();
  const started = await Promise.all(
    Array.from({ length: count }, () => startNode({ REDIS_KEY_PREFIX: prefix, ...env })),
  );
  nodes.push(...started);
  // Tests destructure at most three nodes and ask for as many.
  return started as TestNode[] & { [I in 0 | 1 | 2]: TestNode };
}

async function client(node: TestNode): Promise<Client> {
  const socket = await connectClient(node);
  clients.push(socket);
  return socket;
}

/** `a` on `first` waits, `b` on `second` starts; resolves once both are paired. */
async function pairAcross(first: TestNode, second: TestNode): Promise<[Client, Client]> {
  const a = await client(first);
  const b = await client(second);
  const matchedB = nextEvent(b, 'matched');
  await startSearch(a);
  await startSearch(b);
  await matchedB;
  return [a, b];
}

describe('several nodes on one Redis', () => {
  it('pairs strangers on different nodes and relays their signals across', async () => {
    const [one, two] = await cluster(2);
    const a = await client(one);
    const b = await client(two);
    const matchedA = nextEvent(a, 'matched');
    const matchedB = nextEvent(b, 'matched');
    expect(await startSearch(a, { nickname: 'Ada' })).toEqual({ ok: true });
    expect(await startSearch(b, { nickname: 'Bo' })).toEqual({ ok: true });
    expect(await matchedA).toEqual({
      initiator: true,
      sharedInterests: [],
      sharedLanguages: [],
      partnerNickname: 'Bo',
      resumeToken: expect.any(String),
    });
    expect(await matchedB).toEqual({
      initiator: false,
      sharedInterests: [],
      sharedLanguages: [],
      partnerNickname: 'Ada',
      resumeToken: expect.any(String),
    });
    const received = nextEvent(b, 'signal');
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: true });
    expect(await received).toEqual(OFFER);
    const left = nextEvent(a, 'partnerLeft');
    expect(await b.emitWithAck('stop')).toEqual({ ok: true });
    expect(await left).toEqual({ reason: 'stop' });
    expect(await a.emitWithAck('signal', OFFER)).toEqual({ ok: false, code: 'no_partner' });
  });

  it('600 concurrent joins spread over three nodes give exactly 300 symmetric pairs', async () => {
    const three = await cluster(3);
    const joiners = await Promise.all(
      Array.from({ length: 600 }, (_, i) => client(three[i % 3] as TestNode)),
    );
    const partnerOf = new Map<Client, string>();
    const matched = joiners.map(async (joiner) => (await nextEvent(joiner, 'matched')).initiator);
    const acks = await Promise.all(joiners.map((joiner) => startSearch(joiner)));
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const initiators = await Promise.all(matched);
    expect(initiators.filter(Boolean)).toHaveLength(300);
    const counts = await three[0].mayfly.app.signaling.matching.counts();
    expect(counts).toEqual({ connected: 600, waiting: 0, paired: 600, bans: 0 });
    // Symmetric: every stranger's partner has them as partner.
    const backend = three[0].mayfly.app.signaling.matching;
    for (const joiner of joiners) {
      const partner = await backend.partnerOf(joiner.id ?? '');
      expect(partner).toBeDefined();
      partnerOf.set(joiner, partner ?? '');
      expect(await backend.partnerOf(partner ?? '')).toBe(joiner.id);
    }
    expect(new Set(partnerOf.values()).size).toBe(600);
  }, 60_000);

  it('prefers a shared interest and remembers a skip across nodes', async () => {
    const [one, two, three] = await cluster(3, { SKIP_MEMORY_MINUTES: '10' });
    const plain = await client(one);
    await startSearch(plain);
    const cats = await client(two);
    const catsMatched = nextEvent(cats, 'matched');
    await startSearch(cats, { interests: ['cats'] });
    const otherCats = await client(three);
    const otherMatched = nextEvent(otherCats, 'matched');
    await startSearch(otherCats, { interests: ['cats', 'jazz'] });
    expect(await catsMatched).toMatchObject({ sharedInterests: ['cats'] });
    expect(await otherMatched).toMatchObject({ sharedInterests: ['cats'] });

    // cats skips otherCats. Both look again; they share an interest, but the
    // skip keeps them apart although they are on different nodes.
    const backend = one.mayfly.app.signaling.matching;
    expect(await cats.emitWithAck('next')).toEqual({ ok: true });
    expect(await otherCats.emitWithAck('next')).toEqual({ ok: true });
    expect(await backend.stateOf(cats.id ?? '')).toBe('waiting');
    expect(await backend.stateOf(otherCats.id ?? '')).toBe('waiting');
    const moreCats = await client(one);
    const moreMatched = nextEvent(moreCats, 'matched');
    await startSearch(moreCats, { interests: ['cats'] });
    expect(await moreMatched).toMatchObject({ sharedInterests: ['cats'] });
    expect(await backend.partnerOf(moreCats.id ?? '')).toBe(cats.id);
    expect(await backend.stateOf(otherCats.id ?? '')).toBe('waiting');
    expect(await backend.stateOf(plain.id ?? '')).toBe('waiting');
  });

  it('never offers a skipped stranger again across nodes while the memory lasts', async () => {
    const [one, two] = await cluster(2);
    const [a, b] = await pairAcross(one, two);
    expect(await a.emitWithAck('next')).toEqual({ ok: true });
    expect(await b.emitWithAck('next')).toEqual({ ok: true });
    await settle(a, b);
    const backend = one.mayfly.app.signaling.matching;
    expect(await backend.stateOf(a.id ?? '')).toBe('waiting');
    expect(await backend.stateOf(b.id ?? '')).toBe('waiting');
  });

  it('a node stopped gracefully takes its strangers out of Redis and their partners are told at once', async () => {
    const [one, two] = await cluster(2);
    const [a, b] = await pairAcross(one, two);
    const waiting = await client(one);
    await startSearch(waiting);
    const left = nextEvent(b, 'partnerLeft');
    nodes.splice(nodes.indexOf(one), 1);
    await one.close();
    expect(await left).toEqual({ reason: 'disconnect' });
    const backend = two.mayfly.app.signaling.matching;
    expect(await backend.stateOf(a.id ?? '')).toBeUndefined();
    expect(await backend.stateOf(waiting.id ?? '')).toBeUndefined();
    expect(await backend.stateOf(b.id ?? '')).toBe('idle');
    expect(await backend.counts()).toEqual({ connected: 1, waiting: 0, paired: 0, bans: 0 });
  });

  it('counts new connections per minute per address across nodes', async () => {
    const [one, two] = await cluster(2, { CONNECTIONS_PER_MINUTE: '2' });
    await client(one);
    await client(two);
    const refused = connect(one.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    refused.disconnect();
    expect(clients).toHaveLength(2);
  });

  it('holds the connection cap per address across nodes', async () => {
    const [one, two, three] = await cluster(3, { MAX_CONNECTIONS_PER_ADDRESS: '2' });
    await client(one);
    await client(two);
    const refused = connect(three.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    refused.disconnect();
    expect(error.message).toMatch(/websocket error|too many connections/u);
    expect(clients).toHaveLength(2);
  });

  it('verifies a proof of work from one node on another, and takes each solution once', async () => {
    const [one, two, three] = await cluster(3, {
      POW: 'on',
      POW_DIFFICULTY: '1000',
      POW_SECRET: 'one secret for every node',
    });
    const auth = await solved(one);
    expect(await attempt(two, auth, clients)).toMatchObject({ admitted: true });
    expect(await attempt(three, auth, clients)).toEqual({
      admitted: false,
      data: { code: 'pow_replayed' },
    });
  });

  it('says in /healthz that it reaches Redis, and in /privacy.json what Redis holds', async () => {
    const [one] = await cluster(1);
    const health = (await (await fetch(`${one.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', redis: 'ok' });
    const privacy = (await (await fetch(`${one.url}/privacy.json`)).json()) as {
      matchingState: { where: string; held: string[]; inTransit: string };
    };
    expect(privacy.matchingState.where).toBe('redis');
    expect(privacy.matchingState.held.join(' ')).toContain('nickname and interests');
    expect(privacy.matchingState.held.join(' ')).not.toContain('your IP address');
    expect(privacy.matchingState.inTransit).toContain('publish/subscribe');
  });

  it('keeps no nickname, interest or address in Redis after the chat, and every key expires', async () => {
    const prefix = testPrefix();
    const [one, two] = await Promise.all([
      startNode({ REDIS_KEY_PREFIX: prefix }),
      startNode({ REDIS_KEY_PREFIX: prefix }),
    ]);
    nodes.push(one, two);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const a = await client(one);
      const b = await client(two);
      const matched = nextEvent(b, 'matched');
      await startSearch(a, { nickname: 'Secretnick', interests: ['secret-hobby'] });
      await startSearch(b, { nickname: 'Othernick', interests: ['secret-hobby'] });
      await matched;
      await a.emitWithAck('signal', OFFER);
      await settle(a, b);
      for (const key of await keysUnder(redis, prefix)) {
        expect(await redis.pttl(key), key).toBeGreaterThan(0);
      }
      a.disconnect();
      b.disconnect();
      await expect
        .poll(async () =>
          (await keysUnder(redis, prefix)).some((key) => key.startsWith(`${prefix}s:`)),
        )
        .toBe(false);
      const dump: string[] = [];
      for (const key of await keysUnder(redis, prefix)) {
        dump.push(key);
        const type = await redis.type(key);
        if (type === 'string') dump.push(String(await redis.get(key)));
        if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
        if (type === 'set') dump.push(...(await redis.smembers(key)));
        if (type === 'zset') dump.push(...(await redis.zrange(key, '0', '-1')));
      }
      const text = dump.join('\n');
      for (const secret of ['Secretnick', 'Othernick', 'secret-hobby', '127.0.0.1', 'v=0']) {
        expect(text).not.toContain(secret);
      }
      expect(dump.some((entry) => entry.includes(`${prefix}s:`))).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});
