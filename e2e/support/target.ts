/**
 * The deployment under test: a local server this worker runs, or, with
 * BASE_URL, an existing deployment that the tests only visit.
 */
import { LocalServer, type LocalServerOptions } from './server';

export interface ServerCounts {
  connected: number;
  waiting: number;
  paired: number;
}

export interface Target {
  /** The origin browsers open. */
  readonly url: string;
  /** What the server printed (local servers only), for failure reports. */
  readonly log: string;
  /** The matchmaker's counts from GET /healthz. */
  counts(): Promise<ServerCounts>;
  /** Restarts the server in place; undefined for a deployment we do not run. */
  readonly restart: (() => Promise<void>) | undefined;
  dispose(): Promise<void>;
}

async function readCounts(healthUrl: string): Promise<ServerCounts> {
  const response = await fetch(healthUrl, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${healthUrl}: HTTP ${response.status}`);
  return (await response.json()) as ServerCounts;
}

export function remoteTarget(baseUrl: string): Target {
  const url = new URL(baseUrl).origin;
  return {
    url,
    log: '',
    counts: () => readCounts(`${url}/healthz`),
    restart: undefined,
    dispose: async () => {},
  };
}

export async function localTarget(
  env: Readonly<Record<string, string>>,
  options: LocalServerOptions = {},
): Promise<Target> {
  const server = await LocalServer.start(env, options);
  return {
    get url() {
      return server.url;
    },
    get log() {
      return server.output;
    },
    counts: () => readCounts(server.healthUrl),
    restart: () => server.restart(),
    dispose: () => server.dispose(),
  };
}
