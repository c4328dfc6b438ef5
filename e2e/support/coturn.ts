/**
 * A real coturn (`/usr/bin/turnserver`) for the tests, configured the way
 * docs/self-hosting.md tells an operator to: with the config the repository
 * renders (`renderCoturnConfig` of @mayfly/turn, as `npm run coturn-config`
 * does), and the product pointed at it with TURN_MODE=external.
 *
 * It stays inside the test network: in the runner's namespace it listens and
 * relays on veth0 (10.99.0.1); elsewhere on 127.0.0.1. Its log goes to the
 * test's memory, its pid file and user database into a temporary folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { checkTurnServer, mintTurnCredential, renderCoturnConfig } from '@mayfly/turn';
import { test } from './fixtures';
import { IN_TEST_NAMESPACE } from './server';

export const TURNSERVER = '/usr/bin/turnserver';
export const hasCoturn = existsSync(TURNSERVER);

const REALM = 'mayfly';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

interface CoturnNetwork {
  /** Where coturn listens and relays. */
  readonly address: string;
  /** Peers the relay may reach although the deny list covers them (TURN_ALLOWED_PEERS). */
  readonly allowedPeers: readonly string[];
}

/**
 * As relayServerEnv() for the embedded server: in the namespace, veth0 and the other end of
 * the pair; elsewhere loopback and the private ranges a laptop's own address is in.
 */
function coturnNetwork(): CoturnNetwork {
  return IN_TEST_NAMESPACE
    ? { address: '10.99.0.1', allowedPeers: ['10.99.0.2/32'] }
    : { address: '127.0.0.1', allowedPeers: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] };
}

async function freeUdpPort(address: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export class LocalCoturn {
  /** Everything coturn printed, for a failing test's attachment. */
  output = '';
  private child: ChildProcess | undefined;

  private constructor(
    readonly address: string,
    readonly port: number,
    /** The TURN REST API secret, shared with the product as TURN_SECRET. */
    readonly secret: string,
    private readonly directory: string,
  ) {}

  /** The URL the product hands to browsers (TURN_URLS). */
  get turnUrl(): string {
    return `turn:${this.address}:${this.port}?transport=udp`;
  }

  /** The product's configuration for this coturn: TURN_MODE=external with the same secret. */
  get serverEnv(): Record<string, string> {
    return { TURN_MODE: 'external', TURN_URLS: this.turnUrl, TURN_SECRET: this.secret };
  }

  static async start(): Promise<LocalCoturn> {
    if (!hasCoturn) throw new Error(`${TURNSERVER} not found (apt-get install coturn)`);
    const { address, allowedPeers } = coturnNetwork();
    const directory = await mkdtemp(path.join(tmpdir(), 'mayfly-e2e-coturn-'));
    const coturn = new LocalCoturn(
      address,
      await freeUdpPort(address),
      randomBytes(24).toString('base64url'),
      directory,
    );
    try {
      await coturn.launch(allowedPeers);
    } catch (error) {
      await coturn.stop();
      throw error;
    }
    return coturn;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.directory, { recursive: true, force: true });
  }

  private async launch(allowedPeers: readonly string[]): Promise<void> {
    const configFile = path.join(this.directory, 'turnserver.conf');
    // relayIp makes the generator allow this address as a peer (relay to relay), as
    // `npm run coturn-config -- --relay-ip` does; allowedPeers is TURN_ALLOWED_PEERS.
    await writeFile(
      configFile,
      renderCoturnConfig({
        secret: this.secret,
        realm: REALM,
        listeningPort: this.port,
        listeningIp: this.address,
        relayIp: this.address,
        allowedPeers,
      }),
      { mode: 0o600 },
    );
    const child = spawn(
      TURNSERVER,
      [
        '-c',
        configFile,
        // Its log to our memory only; pid file and (unused) user database in our folder, not
        // in /var/run and /var/lib/turn.
        '--log-file=stdout',
        `--pidfile=${path.join(this.directory, 'turnserver.pid')}`,
        `--userdb=${path.join(this.directory, 'turndb')}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    // A worker that dies without its teardown must not leave coturn running in the namespace.
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await this.waitUntilAllocating(child);
  }

  /** coturn is ready when it grants an allocation to a credential minted with our secret. */
  private async waitUntilAllocating(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`coturn exited (${child.signalCode ?? child.exitCode}):\n${this.output}`);
      }
      const check = await checkTurnServer({
        host: this.address,
        port: this.port,
        ...mintTurnCredential({ secret: this.secret, ttlSeconds: 600, id: 'e2e-ready' }),
        timeoutMs: 250,
      });
      if (check.allocated) return;
      // Not listening yet answers at once (ICMP port unreachable): do not spin.
      await delay(100);
    }
    throw new Error(`coturn did not allocate within ${START_TIMEOUT_MS} ms:\n${this.output}`);
  }
}

/**
 * `test` with a coturn per worker, started before the worker's product server, which it
 * configures (TURN_MODE=external, TURN_URLS, TURN_SECRET), and stopped after it. A failing
 * test keeps coturn's output. Skip the tests first where coturn is missing:
 * `test.skip(!hasCoturn, ...)`.
 */
export const testWithCoturn = test.extend<{ coturnOutput: undefined }, { coturn: LocalCoturn }>({
  coturn: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads dependencies from this pattern
    async ({}, use) => {
      const coturn = await LocalCoturn.start();
      await use(coturn);
      await coturn.stop();
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  serverEnv: [
    async ({ coturn }, use) => {
      await use(coturn.serverEnv);
    },
    { scope: 'worker' },
  ],
  coturnOutput: [
    async ({ coturn }, use, testInfo) => {
      await use(undefined);
      if (testInfo.status !== testInfo.expectedStatus && coturn.output !== '') {
        await testInfo.attach('coturn output', { body: coturn.output, contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
});
