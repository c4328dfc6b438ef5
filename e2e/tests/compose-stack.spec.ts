/**
 * deploy/compose.yaml as a self-hoster runs it: Caddy in front of two Mayfly replicas sharing
 * Redis, and coturn. Two strangers who both hide their IP address reach different replicas,
 * meet, and talk relay to relay through coturn.
 *
 * Only in `npm run test:containers` (deploy/test/containers.sh), which brings the stack up and
 * sets BASE_URL to Caddy, E2E_COMPOSE_REDIS to the Redis container and E2E_COMPOSE_TURN_URL to
 * the coturn URL the replicas hand out.
 */
import { execFileSync } from 'node:child_process';
import { expect, meet, test } from '../support/fixtures';
import { candidateReport, expectRelayOnlyCall, expectStrangerVideo } from '../support/media';

const redisContainer = process.env.E2E_COMPOSE_REDIS;
const turnUrl = process.env.E2E_COMPOSE_TURN_URL;

/** Strangers per signaling node, from Redis (`<prefix>strangers:<node>`), nodes without any left out. */
function strangersPerNode(container: string): number[] {
  const redis = (...args: string[]): string =>
    execFileSync('podman', ['exec', container, 'redis-cli', '--raw', ...args], {
      encoding: 'utf8',
    }).trim();
  const keys = redis('--scan', '--pattern', 'mayfly:strangers:*').split('\n').filter(Boolean);
  return keys
    .map((key) => Number(redis('SCARD', key)))
    .filter((count) => count > 0)
    .sort();
}

test.skip(
  redisContainer === undefined || turnUrl === undefined,
  'runs in npm run test:containers, against the compose stack',
);

test('strangers on two replicas behind Caddy meet and talk relay to relay through coturn', async ({
  openStranger,
}) => {
  // Two browsers, Caddy, two replicas, Redis and coturn share the machine: seen at 60 s of the
  // default 60 s on a busy 2-core one.
  test.setTimeout(150_000);
  const a = await openStranger({ hideIp: true });
  // A's WebSocket is open: Caddy's least_conn sends B to the other replica.
  const b = await openStranger({ hideIp: true });
  await meet(a, b);
  expect(strangersPerNode(redisContainer ?? ''), 'strangers per Mayfly replica').toEqual([1, 1]);

  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
  await expectRelayOnlyCall([a, b]);
  for (const stranger of [a, b]) {
    const report = await candidateReport(stranger.page);
    expect(report.selectedServerUrl, `${stranger.label}: relayed by`).toBe(turnUrl);
  }
  await a.sendMessage('hello across replicas');
  await expect(b.chatLog).toContainText('hello across replicas');
  await b.sendMessage('hello back');
  await expect(a.chatLog).toContainText('hello back');
});
