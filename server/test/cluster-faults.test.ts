/**
 * Faults in a multi-node deployment: a node killed without a goodbye, and
 * Redis going away and coming back empty. Real processes, a real Redis
 * server of the test's own where the test stops it.
 */
import { Redis } from 'ioredis';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  keysUnder,
  spawnNode,
  startBalancer,
  startNode,
  startRedisServer,
  testPrefix,
  TEST_REDIS_URL,
  type NodeProcess,
  type RedisServer,
  type TestNode,
} from './cluster-helpers.js';
import { type Client, connectClient, nextEvent, settle, startSearch } from './helpers.js';

const nodes: TestNode[] = [];
const processes: NodeProcess[] = [];
const clients: Client[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const node of processes.splice(0)) node.child.kill('SIGKILL');
  for (const node of nodes.splice(0)) await node.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function client(url: string): Promise<Client> {
  const socket = await connectClient({ url });
  clients.push(socket);
  return socket;
}

/** Resolves once the node's health check says it reaches Redis again. */
async function redisBackFor(node: { url: string }): Promise<void> {
  const redisHealth = async (): Promise<unknown> =>
    ((await (await fetch(`${node.url}/healthz`)).json()) as Record<string, unknown>).redis;
  await expect.poll(redisHealth, { timeout: 10_000 }).toBe('ok');
}

/** Resolves with the event, or rejects when it has not come within `ms`. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

describe('a node dies', () => {
  it('its partners elsewhere are told within 5 s, its waiting strangers are never offered, its clients come back through the balancer', async () => {
    const prefix = testPrefix();
    const doomed = await spawnNode({ REDIS_KEY_PREFIX: prefix });
    processes.push(doomed);
    const survivor = await startNode({ REDIS_KEY_PREFIX: prefix });
    nodes.push(survivor);
    const balancer = await startBalancer([doomed.port, survivor.port]);
    cleanups.push(() => balancer.close());

    // a (doomed node) chats with b (survivor); w waits on the doomed node.
    const a = await client(`http://127.0.0.1:${doomed.port}`);
    const b = await client(survivor.url);
    const matchedB = nextEvent(b, 'matched');
    await startSearch(a);
    await startSearch(b);
    await matchedB;
    const w = await client(`http://127.0.0.1:${doomed.port}`);
    await startSearch(w);
    // c reaches the doomed node through the balancer (its first backend).
    const c = connect(balancer.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 200,
    }) as Client;
    clients.push(c);
    await nextEvent(c, 'welcome');

    const left = nextEvent(b, 'partnerLeft');
    const reconnected = nextEvent(c, 'welcome');
    const exited = new Promise((resolve) => doomed.child.once('exit', resolve));
    doomed.child.kill('SIGKILL');
    await exited;

    // A stranger starting at once must not meet w, whose node is gone.
    const n = await client(survivor.url);
    let nMatched = false;
    n.on('matched', () => (nMatched = true));
    await startSearch(n);

    expect(await within(5000, left, 'partnerLeft')).toEqual({ reason: 'disconnect' });
    await within(5000, reconnected, 'reconnect through the balancer');
    await settle(n);
    expect(nMatched).toBe(false);

    // c is on the survivor now and meets n.
    const cMatched = nextEvent(c, 'matched');
    expect(await startSearch(c)).toEqual({ ok: true });
    await cMatched;
    const backend = survivor.mayfly.app.signaling.matching;
    expect(await backend.partnerOf(n.id ?? '')).toBe(c.id);

    // Nothing of the dead node's strangers is left to change matching.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await keysUnder(redis, prefix);
      const strangerKeys = keys.filter((key) => key.startsWith(`${prefix}s:`));
      expect(strangerKeys.sort()).toEqual(
        [`${prefix}s:${c.id}`, `${prefix}s:${n.id}`, `${prefix}s:${b.id}`].sort(),
      );
      expect(await redis.zrange(`${prefix}waiting`, '0', '-1')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 30_000);
});

describe('Redis goes away', () => {
  let redisServer: RedisServer | undefined;

  /** Two nodes on `redis`, with a on one chatting with b on two. */
  async function pairOnTwoNodes(redis: RedisServer) {
    const prefix = testPrefix();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix };
    const [one, two] = await Promise.all([startNode(env), startNode(env)]);
    nodes.push(one, two);
    const a = await client(one.url);
    const b = await client(two.url);
    const matchedB = nextEvent(b, 'matched');
    await startSearch(a);
    await startSearch(b);
    await matchedB;
    return { prefix, one, two, a, b };
  }

  afterEach(async () => {
    await redisServer?.stop();
    redisServer = undefined;
  });

  it('nodes stay up, start fails fast with matching_unavailable, chats go on, and service recovers by itself', async () => {
    redisServer = await startRedisServer();
    const { one, two, a, b } = await pairOnTwoNodes(redisServer);
    const x = await client(one.url);

    await redisServer.stop();
    const refused = await within(2500, startSearch(x), 'start during the outage');
    expect(refused).toEqual({ ok: false, code: 'matching_unavailable' });
    for (const node of [one, two]) {
      const health = (await (await fetch(`${node.url}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'degraded', redis: 'unreachable' });
    }
    // The chat's sockets stay connected (its media is peer to peer).
    await settle(a, b);
    expect(a.connected && b.connected).toBe(true);

    await redisServer.start();
    await redisBackFor(one);
    // Redis came back empty; x registers again by itself and meets a new stranger.
    const y = await client(two.url);
    const matchedY = nextEvent(y, 'matched');
    await expect.poll(async () => (await startSearch(x)).ok, { timeout: 5000 }).toBe(true);
    expect(await startSearch(y)).toEqual({ ok: true });
    expect(await within(5000, matchedY, 'matched after recovery')).toMatchObject({
      initiator: false,
    });
  }, 30_000);

  it('a connection admitted while Redis was away gets its address tags before it can meet anyone, so a block applies to it', async () => {
    redisServer = await startRedisServer();
    const prefix = testPrefix();
    const node = await startNode({
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: prefix,
      TRUST_PROXY_HOPS: '1',
    });
    nodes.push(node);
    const from = async (address: string): Promise<Client> => {
      const socket = await connectClient(node, { forwardedFor: address });
      clients.push(socket);
      return socket;
    };
    await redisServer.stop();
    // Admitted without tags: Redis cannot make them now.
    const late = await from('203.0.113.9');
    await redisServer.start();
    await redisBackFor(node);
    // Its first start gives it tags: its stranger is known by its address's tag, like any other.
    const other = await from('198.51.100.1');
    const matched = nextEvent(other, 'matched');
    await expect.poll(async () => (await startSearch(late)).ok, { timeout: 5000 }).toBe(true);
    expect(await startSearch(other)).toEqual({ ok: true });
    await within(5000, matched, 'matched after recovery');
    const admin = new Redis(redisServer.url);
    cleanups.push(async () => admin.disconnect());
    expect(await admin.hget(`${prefix}s:${late.id}`, 'tags')).toMatch(/^[0-9a-f]{32}$/u);
    // So a block holds against the address across a reconnect.
    expect(await other.emitWithAck('block')).toEqual({ ok: true });
    late.disconnect();
    const again = await from('203.0.113.9');
    let met = false;
    again.on('matched', () => (met = true));
    expect(await startSearch(again)).toEqual({ ok: true });
    expect(await startSearch(other)).toEqual({ ok: true });
    await settle(again, other);
    expect(met).toBe(false);
  }, 30_000);

  it('a stranger who leaves while Redis is unreachable is removed once it answers again', async () => {
    redisServer = await startRedisServer();
    const { prefix, a, b } = await pairOnTwoNodes(redisServer);

    // Redis stops answering for 2.5 s (longer than the command timeout) but keeps its data.
    const admin = new Redis(redisServer.url);
    cleanups.push(async () => admin.disconnect());
    await admin.call('CLIENT', 'PAUSE', '2500', 'ALL');
    const left = nextEvent(a, 'partnerLeft');
    b.disconnect();
    expect(await within(10_000, left, 'partnerLeft after the pause')).toEqual({
      reason: 'disconnect',
    });
    const keys = await keysUnder(admin, `${prefix}s:`);
    expect(keys).toEqual([`${prefix}s:${a.id}`]);
  }, 30_000);
});
