/**
 * Runs the built product (`node server/dist/main.js`) as a child process for
 * the tests: on a free port, with its own log folder, restartable on the same
 * port so connected clients can find it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = path.join(REPO_ROOT, 'server/dist/main.js');

/**
 * The product's configuration in tests. Extend it here, or per spec file with
 * `test.use({ serverEnv: { NAME: 'value' } })`.
 */
export const DEFAULT_SERVER_ENV: Readonly<Record<string, string>> = {
  // Calls are direct unless a scenario asks for the relay (relayServerEnv).
  TURN_MODE: 'off',
  // Every browser of the suite comes from one address; the limits per address are tested in Vitest.
  CONNECTIONS_PER_MINUTE: '10000',
  STARTS_PER_MINUTE: '10000',
  // The runner's network namespace has nobody else in it; a laptop keeps to loopback.
  HOST: process.env.E2E_SERVER_HOST ?? '127.0.0.1',
  // The runner's copy of web/build, safe from a build running meanwhile; else web/build itself.
  ...(process.env.E2E_WEB_BUILD_DIR === undefined
    ? {}
    : { WEB_BUILD_DIR: process.env.E2E_WEB_BUILD_DIR }),
};

/** Whether this run is inside the runner's private network namespace (see scripts/run.mjs). */
export const IN_TEST_NAMESPACE = process.env.E2E_IN_NAMESPACE === '1';

/**
 * The embedded TURN server, for the relay scenarios. In the namespace it serves and relays on
 * veth0 (10.99.0.1) and may relay to the other end of the pair (10.99.0.2), where the other
 * browser's host candidate lives; the relay's deny list refuses private addresses otherwise.
 * Elsewhere it stays on loopback and may relay to the private ranges a laptop's own address is in.
 */
export function relayServerEnv(): Record<string, string> {
  return IN_TEST_NAMESPACE
    ? {
        TURN_MODE: 'embedded',
        TURN_PORT: '0',
        TURN_LISTEN_ADDRESS: '10.99.0.1',
        TURN_EXTERNAL_IP: '10.99.0.1',
        TURN_ALLOWED_PEERS: '10.99.0.2/32',
      }
    : {
        TURN_MODE: 'embedded',
        TURN_PORT: '0',
        TURN_LISTEN_ADDRESS: '127.0.0.1',
        TURN_ALLOWED_PEERS: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16',
      };
}

export interface LocalServerOptions {
  /**
   * Leave out every TURN_* variable of DEFAULT_SERVER_ENV, so the product runs its own TURN
   * defaults, as after a plain `npm start`: embedded TURN on UDP 3478 of every address, relay
   * address picked by the server. Only one such server can run at a time. @default false
   */
  readonly productTurnDefaults?: boolean;
  /** The server's working directory. @default the repository's root */
  readonly cwd?: string;
  /**
   * Run the server inside another network namespace (the network lab's public network): the
   * command prefix that enters it, the port it listens on there, and the URL at which this
   * process reaches it (a forward into the namespace). @default this process's namespace
   */
  readonly namespaced?: {
    readonly enter: readonly string[];
    readonly port: number;
    readonly url: string;
  };
}

/** DEFAULT_SERVER_ENV as a spec file asked for it. */
function testDefaults(options: LocalServerOptions): Record<string, string> {
  if (options.productTurnDefaults !== true) return { ...DEFAULT_SERVER_ENV };
  return Object.fromEntries(
    Object.entries(DEFAULT_SERVER_ENV).filter(([name]) => !name.startsWith('TURN_')),
  );
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export class LocalServer {
  private child: ChildProcess | undefined;
  private port = 0;
  /** The server's LOG_DIR, where it writes its metadata log; removed by dispose(). */
  readonly logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-e2e-logs-'));
  /** Everything the server printed (stdout and stderr), for a failing test's attachment. */
  output = '';

  private constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly cwd: string,
    private readonly namespaced: LocalServerOptions['namespaced'],
  ) {
    this.port = namespaced?.port ?? 0;
  }

  static async start(
    env: Readonly<Record<string, string>> = {},
    options: LocalServerOptions = {},
  ): Promise<LocalServer> {
    const server = new LocalServer(
      { ...testDefaults(options), ...env },
      options.cwd ?? REPO_ROOT,
      options.namespaced,
    );
    await server.launch();
    return server;
  }

  /**
   * The page URL. Loopback is a secure context, which getUserMedia requires. An address, not
   * `localhost`: inside the test namespace a lookup of a name missing from /etc/hosts (Node
   * asks for localhost's IPv6 address too) waits for a DNS server it cannot reach.
   */
  get url(): string {
    return this.namespaced?.url ?? `http://127.0.0.1:${this.port}`;
  }

  get healthUrl(): string {
    return `${this.url}/healthz`;
  }

  /** Stops the process (as a deployment would, with SIGTERM) and starts it on the same port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stops the process with SIGTERM; resolves once its output is read to the end. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    // 'close', not 'exit': only then has every line the process printed reached `output`.
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.logDir, { recursive: true, force: true });
  }

  /** Without a web build the server serves only its API, and every page test would fail obscurely. */
  private async expectWebClient(): Promise<void> {
    const response = await fetch(`${this.url}/`, { signal: AbortSignal.timeout(5000) });
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || !type.startsWith('text/html')) {
      throw new Error(
        `GET / answered ${response.status} ${type}, not the web client: ` +
          `is ${this.env.WEB_BUILD_DIR ?? 'web/build'} complete?\n${this.output}`,
      );
    }
  }

  private async launch(): Promise<void> {
    const [command = process.execPath, ...args] = [
      ...(this.namespaced?.enter ?? []),
      process.execPath,
      ENTRY,
    ];
    const child = spawn(command, args, {
      cwd: this.cwd,
      // A clean environment: a PORT or TURN_* of the person's shell must not leak in.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...this.env,
        PORT: String(this.port),
        LOG_DIR: this.logDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    // A worker that dies without its teardown must not leave a server behind.
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    const listening = new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        const match = /listening on http:\/\/\S+:(\d+)/u.exec(this.output);
        if (match?.[1] !== undefined) resolve(Number(match[1]));
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`server exited (${signal ?? code}) before listening:\n${this.output}`));
      });
      setTimeout(
        () =>
          reject(new Error(`server did not listen within ${START_TIMEOUT_MS} ms:\n${this.output}`)),
        START_TIMEOUT_MS,
      ).unref();
    });
    try {
      this.port = await listening;
      await waitForHealthy(this.healthUrl);
      await this.expectWebClient();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }
}

/** Polls GET /healthz until it answers 200 (the server is up and not shutting down). */
export async function waitForHealthy(url: string, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not healthy within ${timeoutMs} ms: ${lastProblem}`);
}
