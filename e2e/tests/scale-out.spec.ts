/**
 * Two signaling nodes on one Redis act as one service: a stranger on node 1
 * and a stranger on node 2 meet, see each other and chat.
 */
import { expect, meet, test } from '../support/fixtures';
import { expectStrangerVideo } from '../support/media';
import { hasRedisServer, LocalRedis } from '../support/redis';
import { LocalServer } from '../support/server';

test('strangers on two nodes sharing one Redis meet and see each other', async ({
  openStranger,
  target,
}) => {
  test.skip(target.restart === undefined, 'needs servers this run starts (not BASE_URL)');
  test.skip(!hasRedisServer, 'needs redis-server (Debian package redis-server)');
  const redis = await LocalRedis.start();
  const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'mayfly-e2e:' };
  const nodes = await Promise.all([LocalServer.start(env), LocalServer.start(env)]);
  try {
    const [one, two] = nodes;
    const a = await openStranger({ context: { baseURL: one?.url } });
    const b = await openStranger({ context: { baseURL: two?.url } });
    await meet(a, b);
    await expectStrangerVideo(a.page, b.colour);
    await expectStrangerVideo(b.page, a.colour);
    await a.sendMessage('hello from node one');
    await expect(b.chatLog).toContainText('hello from node one');
    // Each node sees the whole service: two strangers, both paired.
    for (const node of nodes) {
      const health = (await (await fetch(node.healthUrl)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ redis: 'ok', connected: 2, paired: 2 });
    }
  } finally {
    for (const node of nodes) await node.dispose();
    await redis.stop();
  }
});
