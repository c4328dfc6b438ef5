/**
 * The rendered config on a real coturn, on loopback only: our REST API
 * credentials allocate, the deny list answers 403 (including IPv4-mapped peers
 * on an IPv6 relay, the CVE-2026-27624 path of coturn < 4.9.0), and public
 * peers stay allowed. Skipped when coturn is not installed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTurnServer, mintTurnCredential, renderCoturnConfig } from '../src/index.js';
import { formatIpv6, parseIp } from '../src/ip-address.js';
import { TurnClient, TurnErrorResponse } from '../src/stun-client.js';
import { SECRET } from './helpers.js';
import { ALLOWED_SAMPLES, DENIED_SAMPLES } from './peer-samples.js';

const TURNSERVER = '/usr/bin/turnserver';
const REALM = 'coturn.test';

async function canBind(address: string, port = 0): Promise<boolean> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

async function canListen(address: string, port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ host: address, port, exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}

/**
 * Ports for coturn below the kernel's ephemeral range (32768-60999 here): a port that is free
 * for UDP may still be some test's TCP client socket, and coturn listens on both (seen in CI:
 * "Cannot bind TLS/TCP listener socket ... Address already in use"). Below that range only a
 * server bound to a fixed port can collide, and the checks see that.
 */
const FIXED_PORTS = { min: 20_000, max: 32_000 } as const;

async function freePorts(
  count: number,
  isFree: (port: number) => Promise<boolean>,
): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const base =
      FIXED_PORTS.min + Math.floor(Math.random() * (FIXED_PORTS.max - FIXED_PORTS.min - count));
    let free = true;
    for (let port = base; free && port < base + count; port += 1) free = await isFree(port);
    if (free) return base;
  }
  throw new Error(`no ${count} free ports in ${FIXED_PORTS.min}-${FIXED_PORTS.max}`);
}

const hasCoturn = existsSync(TURNSERVER);
const hasIpv6Loopback = await canBind('::1');
const title = hasCoturn
  ? 'coturn with the rendered config'
  : `coturn with the rendered config (skipped: ${TURNSERVER} not found; apt-get install coturn)`;

describe.skipIf(!hasCoturn)(title, () => {
  let coturn: ChildProcess | undefined;
  let directory = '';
  let port = 0;
  let output = '';
  const credential = (): ReturnType<typeof mintTurnCredential> =>
    mintTurnCredential({ secret: SECRET, ttlSeconds: 600, id: 'coturn-test' });

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'mayfly-coturn-'));
    const addresses = hasIpv6Loopback ? ['127.0.0.1', '::1'] : ['127.0.0.1'];
    // UDP and TCP, on the listening port and the one after (coturn's alternative port).
    const listenable = async (candidate: number): Promise<boolean> => {
      for (const address of addresses) {
        if (!(await canBind(address, candidate)) || !(await canListen(address, candidate))) {
          return false;
        }
      }
      return true;
    };
    port = await freePorts(2, listenable);
    const relayBase = await freePorts(51, async (candidate) =>
      candidate === port || candidate === port + 1 ? false : canBind('127.0.0.1', candidate),
    );
    const configFile = join(directory, 'turnserver.conf');
    await writeFile(
      configFile,
      renderCoturnConfig({
        secret: SECRET,
        realm: REALM,
        listeningPort: port,
        listeningIp: '127.0.0.1',
        relayIp: '127.0.0.1',
        relayPortRange: { min: relayBase, max: relayBase + 50 },
        // Loopback is this test's "public" network: no relay-to-relay exception for it.
        allowRelayToRelay: false,
      }),
    );
    const ipv6 = hasIpv6Loopback
      ? ['--listening-ip=::1', '--relay-ip=::1', '--allocation-default-address-family=keep']
      : [];
    coturn = spawn(
      TURNSERVER,
      [
        '-c',
        configFile,
        '--log-file=stdout',
        `--pidfile=${join(directory, 'turnserver.pid')}`,
        // Its own user database, not the system's /var/lib/turn/turndb.
        `--userdb=${join(directory, 'turndb')}`,
        ...ipv6,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    coturn.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    coturn.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Ready when it allocates; a loaded machine may take a while to start it.
    for (let attempt = 0; attempt < 120; attempt += 1) {
      const check = await checkTurnServer({
        host: '127.0.0.1',
        port,
        ...credential(),
        timeoutMs: 200,
      });
      if (check.allocated) return;
    }
    throw new Error(`coturn did not come up:\n${output}`);
  }, 40_000);

  afterAll(async () => {
    if (coturn?.exitCode === null) {
      const exited = new Promise((resolve) => coturn?.once('exit', resolve));
      coturn.kill('SIGTERM');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  });

  async function answers(
    host: string,
    peers: readonly string[],
  ): Promise<Record<string, number | 'ok'>> {
    const client = await TurnClient.open({
      server: { address: host, port },
      localAddress: host,
      ...credential(),
      timeoutMs: 2000,
    });
    try {
      await client.allocate();
      const result: Record<string, number | 'ok'> = {};
      for (const peer of peers) {
        result[peer] = await client.createPermission(peer).then(
          () => 'ok' as const,
          (error: unknown) => {
            if (error instanceof TurnErrorResponse) return error.code;
            throw error;
          },
        );
      }
      return result;
    } finally {
      await client.close();
    }
  }

  it('allocates with a minted credential and refuses a denied peer (checkTurnServer)', async () => {
    const check = await checkTurnServer({
      host: '127.0.0.1',
      port,
      ...credential(),
      deniedPeer: '10.0.0.1',
      timeoutMs: 2000,
    });

    expect(check).toMatchObject({
      allocated: true,
      relayedAddress: { address: '127.0.0.1' },
      deniedPeerRefused: true,
    });
    expect(check.rttMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses a forged credential', async () => {
    const check = await checkTurnServer({
      host: '127.0.0.1',
      port,
      ...credential(),
      credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      timeoutMs: 2000,
    });

    expect(check).toEqual({ allocated: false, failure: expect.objectContaining({ status: 401 }) });
  });

  it('answers 403 for every denied IPv4 sample, and allows public IPv4 peers', async () => {
    const denied = DENIED_SAMPLES.filter((peer) => !peer.includes(':'));
    const allowed = ALLOWED_SAMPLES.filter((peer) => !peer.includes(':'));

    const result = await answers('127.0.0.1', [...denied, ...allowed]);

    expect(result).toEqual({
      ...Object.fromEntries(denied.map((peer) => [peer, 403])),
      ...Object.fromEntries(allowed.map((peer) => [peer, 'ok'])),
    });
  });

  it.skipIf(!hasIpv6Loopback)(
    'answers 403 for every denied IPv6 and IPv4-mapped sample on an IPv6 relay',
    async () => {
      // ::1 is coturn's own relay address here; coturn allows it as a peer like any loopback relay.
      const denied = DENIED_SAMPLES.filter((peer) => {
        const bytes = parseIp(peer);
        return peer.includes(':') && bytes !== undefined && formatIpv6(bytes) !== '::1';
      });
      const allowed = ALLOWED_SAMPLES.filter(
        (peer) => peer.includes(':') && !peer.startsWith('::ffff:'),
      );

      const result = await answers('::1', [...denied, ...allowed]);

      expect(result).toEqual({
        ...Object.fromEntries(denied.map((peer) => [peer, 403])),
        ...Object.fromEntries(allowed.map((peer) => [peer, 'ok'])),
      });
    },
  );
});
