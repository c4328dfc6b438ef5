/**
 * deploy/compose.yaml as a self-hoster runs it: Caddy in front of two Mayfly replicas sharing
 * Redis, and coturn. Two strangers who both hide their IP address reach different replicas,
 * meet, and talk relay to relay through coturn; the replicas' /metrics count the call and
 * hold nothing that identifies either of them.
 *
 * Only in `npm run test:containers` (deploy/test/containers.sh), which brings the stack up and
 * sets BASE_URL to Caddy and E2E_COMPOSE_PROJECT to the compose project's name.
 */
import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { expositionProblems, sampleValue } from '../../server/test/metrics-exposition';
import { expect, meet, test } from '../support/fixtures';
import { candidateReport, expectRelayOnlyCall, expectStrangerVideo } from '../support/media';

const project = process.env.E2E_COMPOSE_PROJECT ?? '';

function podman(...args: string[]): string {
  return execFileSync('podman', args, { encoding: 'utf8' }).trim();
}

/** The running containers of one of the project's compose services, by name. */
function containersOf(service: string): string[] {
  return podman(
    'ps',
    '--filter',
    `label=com.docker.compose.project=${project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
    '--format',
    '{{.Names}}',
  )
    .split('\n')
    .filter(Boolean)
    .sort();
}

interface Replica {
  readonly name: string;
  /** Its address on the network it shares with Caddy (compose's `web`). */
  readonly address: string;
  /** Where it serves /metrics (METRICS_PORT). */
  readonly metricsPort: string;
  /** The TURN URLs it hands out (TURN_URLS): coturn's, over UDP, TCP and TLS. */
  readonly turnUrls: string[];
}

/** The Mayfly replicas, from one `podman inspect` (each podman call costs a busy machine seconds). */
function replicas(): Replica[] {
  const inspected = JSON.parse(podman('inspect', ...containersOf('mayfly'))) as {
    Name: string;
    Config: { Env: string[] };
    NetworkSettings: { Networks: Record<string, { IPAddress: string } | undefined> };
  }[];
  return inspected.map(({ Name, Config, NetworkSettings }) => {
    const env = (name: string): string =>
      (Config.Env.find((entry) => entry.startsWith(`${name}=`)) ?? '').slice(name.length + 1);
    return {
      name: Name,
      address: NetworkSettings.Networks[`${project}_web`]?.IPAddress ?? '',
      metricsPort: env('METRICS_PORT'),
      turnUrls: env('TURN_URLS').split(',').filter(Boolean),
    };
  });
}

/** Strangers per signaling node, from Redis (`<prefix>strangers:<node>`), nodes without any left out. */
function strangersPerNode(): number[] {
  const script =
    "local counts = {} for _, key in ipairs(redis.call('KEYS', ARGV[1])) do " +
    "counts[#counts + 1] = redis.call('SCARD', key) end return counts";
  const [redis = ''] = containersOf('redis');
  return podman('exec', redis, 'redis-cli', '--raw', 'EVAL', script, '0', 'mayfly:strangers:*')
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((count) => count > 0)
    .sort();
}

/**
 * Each replica's /metrics as a Prometheus on the compose network would scrape it: from a
 * container on that network (the first replica), at each replica's address on it.
 */
function scrape(all: readonly Replica[]): string[] {
  const urls = all.map(({ address, metricsPort }) => `http://${address}:${metricsPort}/metrics`);
  // A rejection ends node with an error, and execFileSync throws with its output.
  const script = `Promise.all(${JSON.stringify(urls)}.map(async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(url + ': ' + response.status);
    return response.text();
  })).then((texts) => process.stdout.write(JSON.stringify(texts)))`;
  return JSON.parse(podman('exec', all[0]?.name ?? '', 'node', '-e', script)) as string[];
}

/** The pseudonyms (`client`) in the replicas' metadata log, on their shared volume. */
function loggedPseudonyms(replica: string): string[] {
  // Nothing yet (no file) reads as no pseudonyms.
  const log = podman(
    'exec',
    replica,
    'sh',
    '-c',
    'cat /var/lib/mayfly/logs/connections-*.jsonl 2>/dev/null || true',
  );
  const clients = log
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { client?: unknown }).client)
    .filter((client) => typeof client === 'string');
  return [...new Set(clients)];
}

/** Every address of this network namespace: the browsers reach Caddy from one of them. */
function ownAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal)
    .map((entry) => entry.address);
}

test.skip(project === '', 'runs in npm run test:containers, against the compose stack');

test('strangers on two replicas behind Caddy meet and talk relay to relay through coturn', async ({
  openStranger,
  baseURL,
}) => {
  // Two browsers, Caddy, two replicas, Redis and coturn share the machine: seen at 60 s of the
  // default 60 s on a busy 2-core one, and at 100 s with its load average at 45.
  test.setTimeout(240_000);
  const caddy = baseURL ?? '';
  const a = await openStranger({
    hideIp: true,
    nickname: 'Zanzibar',
    interests: ['ornithology', 'bouldering'],
  });
  // A's WebSocket is open: Caddy's least_conn sends B to the other replica.
  const b = await openStranger({
    hideIp: true,
    nickname: 'Quetzal',
    interests: ['ornithology', 'origami'],
  });
  await meet(a, b);
  expect(strangersPerNode(), 'strangers per Mayfly replica').toEqual([1, 1]);

  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
  await expectRelayOnlyCall([a, b]);
  const nodes = replicas();
  expect(nodes, 'Mayfly replicas').toHaveLength(2);
  const turnUrls = nodes[0]?.turnUrls ?? [];
  expect(turnUrls, 'TURN_URLS of the replicas').toHaveLength(3);
  // Any of coturn's URLs: the browser keeps the first relayed pair that works and may move to
  // a better one later (seen: TURN over TCP first on a busy machine).
  for (const stranger of [a, b]) {
    const report = await candidateReport(stranger.page);
    expect(turnUrls, `${stranger.label}: relayed by`).toContain(report.selectedServerUrl);
  }
  await a.sendMessage('hello across replicas');
  await expect(b.chatLog).toContainText('hello across replicas');
  await b.sendMessage('hello back');
  await expect(a.chatLog).toContainText('hello back');

  // The call, as Prometheus sees it while it lasts.
  const scrapes = scrape(nodes);
  const paired = scrapes.map((text) => sampleValue(text, 'mayfly_paired_strangers_total') ?? 0);
  expect(
    paired.reduce((sum, count) => sum + count, 0),
    `mayfly_paired_strangers_total of the two replicas: ${paired.join(' + ')}`,
  ).toBe(2);
  for (const [index, text] of scrapes.entries()) {
    const node = nodes[index]?.name;
    // Matching's counts come from Redis: every replica reports the whole deployment's.
    expect(
      sampleValue(text, 'mayfly_strangers', 'state="chatting"'),
      `mayfly_strangers{state="chatting"} on ${node}`,
    ).toBe(2);
    expect(sampleValue(text, 'mayfly_redis_up'), `mayfly_redis_up on ${node}`).toBe(1);
  }

  // ... and nothing in it names them. The metadata log holds their pseudonyms (a positive
  // control: they exist, and the scrape must not repeat them).
  const logReader = nodes[0]?.name ?? '';
  await expect
    .poll(() => loggedPseudonyms(logReader).length, { message: 'pseudonyms in the metadata log' })
    .toBeGreaterThan(0);
  const pseudonyms = loggedPseudonyms(logReader);
  const addresses = ownAddresses();
  expect(addresses, 'addresses of this network namespace').toContain(new URL(caddy).hostname);
  const identities = [
    ...[a, b].flatMap(({ options }) => [options.nickname, ...(options.interests ?? [])]),
    ...addresses,
    ...pseudonyms,
  ].filter((identity) => identity !== undefined);
  for (const [index, text] of scrapes.entries()) {
    expect(expositionProblems(text, identities), `/metrics of ${nodes[index]?.name}`).toEqual([]);
  }

  // Not on the public side: Caddy hands /metrics to a replica's main port, which has none.
  expect((await fetch(`${caddy}/metrics`)).status, `${caddy}/metrics`).toBe(404);
});
