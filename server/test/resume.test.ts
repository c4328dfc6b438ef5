/**
 * A chat that survives a dropped connection: real service (one process in
 * memory, and nodes on a real Redis), real clients. The stranger who drops
 * comes back on a new connection with its resume token; its partner hears
 * "away", then "back", and the chat goes on; tokens that are spent, forged or
 * late are refused with a clear code.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Matched, Signal } from '@mayfly/protocol';
import { spawnNode, startNode, testPrefix, TEST_REDIS_URL } from './cluster-helpers.js';
import { type Client, connectClient, nextEvent, startSearch, startServer } from './helpers.js';

const OFFER: Signal = { type: 'offer', sdp: 'v=0\r\n' };
const GRACE = { RESUME_GRACE_SECONDS: '20' };

interface Node {
  readonly url: string;
  close(): Promise<void>;
}
type Backend = (env: Record<string, string>, prefix: string) => Promise<Node>;

const BACKENDS: [string, Backend][] = [
  ['in memory', async (env) => startServer(env)],
  ['Redis', async (env, prefix) => startNode({ REDIS_KEY_PREFIX: prefix, ...env })],
];

const nodes: Node[] = [];
const clients: Client[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const node of nodes.splice(0)) await node.close();
  const redis = new Redis(TEST_REDIS_URL);
  for (const prefix of prefixes.splice(0)) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

async function client(node: Node): Promise<Client> {
  const socket = await connectClient(node);
  clients.push(socket);
  return socket;
}

/** a waits, b arrives: both matched, with their resume tokens. */
async function chat(nodeA: Node, nodeB: Node = nodeA) {
  const a = await client(nodeA);
  const b = await client(nodeB);
  const matchedA = nextEvent(a, 'matched');
  const matchedB = nextEvent(b, 'matched');
  await startSearch(a);
  await startSearch(b);
  const tokenOf = (matched: Matched): string => matched.resumeToken ?? '';
  return { a, b, tokenA: tokenOf(await matchedA), tokenB: tokenOf(await matchedB) };
}

describe.each(BACKENDS)('resuming a chat (%s)', (_name, backend) => {
  async function serve(env: Record<string, string> = {}, prefix = testPrefix()): Promise<Node> {
    prefixes.push(prefix);
    const node = await backend({ ...GRACE, ...env }, prefix);
    nodes.push(node);
    return node;
  }

  it('holds the chat when a stranger drops: the partner hears it is away, then back, and the chat goes on', async () => {
    const node = await serve();
    const { a, b, tokenA } = await chat(node);
    const away = nextEvent(b, 'partnerAway');
    a.disconnect();
    expect(await away).toEqual({ graceMs: 20_000 });

    const a2 = await client(node);
    const back = nextEvent(b, 'partnerReturned');
    const resumed = await a2.emitWithAck('resume', { resumeToken: tokenA });
    expect(resumed).toEqual({ ok: true, resumeToken: expect.any(String), partnerPresent: true });
    expect(resumed.ok && resumed.resumeToken).not.toBe(tokenA);
    expect(await back).toEqual({});
    // Signals flow both ways again, to the new connection only.
    const atA2 = nextEvent(a2, 'signal');
    expect(await b.emitWithAck('signal', OFFER)).toEqual({ ok: true });
    expect(await atA2).toEqual(OFFER);
    const atB = nextEvent(b, 'signal');
    expect(await a2.emitWithAck('signal', OFFER)).toEqual({ ok: true });
    expect(await atB).toEqual(OFFER);
    // Next still works: the partner is told as ever.
    const left = nextEvent(b, 'partnerLeft');
    expect(await a2.emitWithAck('next')).toEqual({ ok: true });
    expect(await left).toEqual({ reason: 'next' });
  });

  it('takes the chat over from a connection the server had not yet seen drop, closing it quietly', async () => {
    const node = await serve();
    const { a, b, tokenA } = await chat(node);
    let partnerHeardAway = false;
    b.on('partnerAway', () => (partnerHeardAway = true));
    const closed = new Promise<string>((resolve) => a.once('disconnect', resolve));
    const a2 = await client(node);
    const back = nextEvent(b, 'partnerReturned');
    expect(await a2.emitWithAck('resume', { resumeToken: tokenA })).toMatchObject({ ok: true });
    await back;
    expect(await closed).toBe('io server disconnect');
    expect(partnerHeardAway).toBe(false);
    const atA2 = nextEvent(a2, 'signal');
    await b.emitWithAck('signal', OFFER);
    expect(await atA2).toEqual(OFFER);
  });

  it('refuses a spent token as invalid, and a token of a chat that ended as expired', async () => {
    const node = await serve();
    const { a, b, tokenA, tokenB } = await chat(node);
    a.disconnect();
    const a2 = await client(node);
    expect(await a2.emitWithAck('resume', { resumeToken: tokenA })).toMatchObject({ ok: true });
    // Replayed by another client.
    const thief = await client(node);
    expect(await thief.emitWithAck('resume', { resumeToken: tokenA })).toEqual({
      ok: false,
      code: 'resume_invalid',
    });
    expect(
      await thief.emitWithAck('resume', { resumeToken: 'not-a-token' } as never),
    ).toMatchObject({ ok: false, code: 'invalid_payload' });
    // The chat ends; its tokens are expired now.
    await b.emitWithAck('stop');
    expect(await thief.emitWithAck('resume', { resumeToken: tokenB })).toEqual({
      ok: false,
      code: 'resume_expired',
    });
  });

  it('tells the partner the stranger left once the grace runs out', async () => {
    const node = await serve({ RESUME_GRACE_SECONDS: '1' });
    const { a, b, tokenA } = await chat(node);
    const away = nextEvent(b, 'partnerAway');
    const left = nextEvent(b, 'partnerLeft');
    a.disconnect();
    expect(await away).toEqual({ graceMs: 1000 });
    expect(await left).toEqual({ reason: 'disconnect' });
    const late = await client(node);
    expect(await late.emitWithAck('resume', { resumeToken: tokenA })).toEqual({
      ok: false,
      code: 'resume_expired',
    });
    // A 1 s grace took over 5 s once on a loaded 2-core machine (Redis round trips, timers late).
  }, 15_000);

  it('rejoins a chat the server lost (it restarted) when both strangers come back with their tokens', async () => {
    const prefix = testPrefix();
    const first = await serve({}, prefix);
    const { tokenA, tokenB } = await chat(first);
    // A new server that knows nothing of that chat (in memory: a restart; on Redis: emptied).
    const second = await serve({}, testPrefix());
    const a2 = await client(second);
    const b2 = await client(second);
    const waitingA = await a2.emitWithAck('resume', { resumeToken: tokenA });
    expect(waitingA).toEqual({ ok: true, resumeToken: tokenA, partnerPresent: false });
    const back = nextEvent(a2, 'partnerReturned');
    const joined = await b2.emitWithAck('resume', { resumeToken: tokenB });
    expect(joined).toMatchObject({ ok: true, partnerPresent: true });
    const returned = await back;
    expect(returned.resumeToken).toMatch(/^[0-9a-f]{32}\.[0-9a-f]{32}$/u);
    expect(returned.resumeToken).not.toBe(tokenA);
    const atB2 = nextEvent(b2, 'signal');
    await a2.emitWithAck('signal', OFFER);
    expect(await atB2).toEqual(OFFER);
  });
});

describe('resuming across nodes (Redis)', () => {
  it('comes back through another node: the chat moves with it', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const env = { REDIS_KEY_PREFIX: prefix, ...GRACE };
    const [one, two] = await Promise.all([startNode(env), startNode(env)]);
    nodes.push(one, two);
    const { a, b, tokenA } = await chat(one, two);
    const away = nextEvent(b, 'partnerAway');
    a.disconnect();
    await away;
    const a2 = await client(two);
    const back = nextEvent(b, 'partnerReturned');
    expect(await a2.emitWithAck('resume', { resumeToken: tokenA })).toMatchObject({
      ok: true,
      partnerPresent: true,
    });
    await back;
    const atB = nextEvent(b, 'signal');
    await a2.emitWithAck('signal', OFFER);
    expect(await atB).toEqual(OFFER);
  });

  it('holds the chats of a node that died for a resume through a node that lives', async () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    const env = { REDIS_KEY_PREFIX: prefix, ...GRACE };
    const doomed = await spawnNode(env);
    const survivor = await startNode(env);
    nodes.push(survivor);
    const dead: Node = { url: `http://127.0.0.1:${doomed.port}`, close: async () => undefined };
    try {
      const { b, tokenA } = await chat(dead, survivor);
      const away = nextEvent(b, 'partnerAway');
      doomed.child.kill('SIGKILL');
      expect(await away).toEqual({ graceMs: 20_000 });
      const a2 = await client(survivor);
      const back = nextEvent(b, 'partnerReturned');
      expect(await a2.emitWithAck('resume', { resumeToken: tokenA })).toMatchObject({ ok: true });
      await back;
    } finally {
      doomed.child.kill('SIGKILL');
    }
  }, 60_000);
});
