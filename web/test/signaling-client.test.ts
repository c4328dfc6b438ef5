/**
 * The signaling client against the real server (@mayfly/server) on a loopback port, with proof of
 * work on: the client is refused, passes the check and connects; or says the check failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, parseConfig } from '@mayfly/server';
import type { Welcome } from '@mayfly/protocol';
import { systemClock } from '../src/lib/clock';
import { CheckFailedError, passBrowserCheck } from '../src/lib/pow/browser-check';
import { answerSolveRequest, type SolveRequest } from '../src/lib/pow/solver';
import type { WorkerLike } from '../src/lib/pow/browser-check';
import {
  SignalingClient,
  type ServerStatus,
  type SignalingClientOptions,
} from '../src/lib/signaling/signaling-client';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The real server on `port` (0: any). `drop()` cuts every connection without a word, as a lost
 * network does, then stops it.
 */
async function startServer(env: Record<string, string>, port = 0) {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-web-logs-'));
  const config = parseConfig({ LOG_DIR: logDir, TURN_MODE: 'off', POW_DIFFICULTY: '1000', ...env });
  const httpServer = createServer();
  const sockets = new Set<Socket>();
  httpServer.on('connection', (socket) => sockets.add(socket));
  const app = createApp(httpServer, config);
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await app.close();
    rmSync(logDir, { recursive: true, force: true });
  };
  cleanups.push(close);
  const drop = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await close();
  };
  return { port: (httpServer.address() as AddressInfo).port, drop };
}

async function serve(env: Record<string, string>): Promise<string> {
  return `http://127.0.0.1:${(await startServer(env)).port}`;
}

/** Our solver in this thread, in place of the Web Worker Node does not have. */
function inlineWorker(): WorkerLike {
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (request: SolveRequest) =>
      queueMicrotask(() => worker.onmessage?.({ data: answerSolveRequest(request, () => 0) })),
    terminate: () => undefined,
  };
  return worker;
}

function open(options: SignalingClientOptions) {
  const client = new SignalingClient(options);
  const statuses: ServerStatus[] = [];
  client.on('status', (status) => statuses.push(status));
  const welcomed = new Promise<Welcome>((resolve) => client.on('welcome', resolve));
  client.connect();
  cleanups.push(() => client.close());
  return { client, statuses, welcomed };
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => (check() ? resolve() : void setTimeout(poll, 10));
    poll();
  });
}

describe('signaling client and proof of work', () => {
  it('checks the browser when the server asks, then connects with the solution', async () => {
    const url = await serve({ POW: 'on' });
    let checks = 0;
    const { client, statuses, welcomed } = open({
      url,
      passCheck: () => {
        checks++;
        return passBrowserCheck({
          fetch: (pathname, init) => fetch(`${url}${pathname}`, init),
          createWorker: inlineWorker,
          clock: systemClock,
        });
      },
    });
    expect((await welcomed).protocolVersion).toBe(1);
    expect(client.status).toBe('online');
    expect(statuses).toEqual(['checking', 'online']);
    expect(checks).toBe(1);
  });

  it('connects at once without checking when proof of work is off', async () => {
    const url = await serve({ POW: 'off' });
    const { statuses, welcomed } = open({
      url,
      passCheck: () => Promise.reject(new Error('must not be asked')),
    });
    await welcomed;
    expect(statuses).toEqual(['online']);
  });

  it('says the check failed when this browser cannot solve it, and stops trying', async () => {
    const url = await serve({ POW: 'on' });
    let checks = 0;
    const { client, statuses } = open({
      url,
      passCheck: () => {
        checks++;
        return Promise.reject(new CheckFailedError('no worker'));
      },
    });
    await until(() => client.status === 'check-failed');
    expect(statuses).toEqual(['checking', 'check-failed']);
    expect(checks).toBe(1);
  });

  it('gives up after the server refuses its solutions a few times in a row', async () => {
    const url = await serve({ POW: 'on' });
    let checks = 0;
    const { client } = open({
      url,
      passCheck: async () => {
        checks++;
        const proof = await passBrowserCheck({
          fetch: (pathname, init) => fetch(`${url}${pathname}`, init),
          createWorker: inlineWorker,
          clock: systemClock,
        });
        return { ...proof, solution: { ...proof.solution, derivedKey: '00'.repeat(32) } };
      },
    });
    await until(() => client.status === 'check-failed');
    expect(checks).toBe(3);
  });
});

describe('signaling client after a lost connection', () => {
  it('tries the server at once when told the network is back, not when the back-off says', async () => {
    const first = await startServer({ POW: 'off' });
    const url = `http://127.0.0.1:${first.port}`;
    // A back-off longer than the test's timeout: only reconnectNow() can bring the client back.
    const { client, welcomed } = open({ url, retry: { minMs: 600_000, maxMs: 600_000 } });
    await welcomed;
    await first.drop();
    await until(() => client.status === 'offline');
    await startServer({ POW: 'off' }, first.port);
    const welcomedAgain = new Promise<Welcome>((resolve) => client.on('welcome', resolve));
    client.reconnectNow();
    await welcomedAgain;
    expect(client.status).toBe('online');
  });

  it('leaves a connected client alone', async () => {
    const url = await serve({ POW: 'off' });
    const { client, statuses, welcomed } = open({ url });
    await welcomed;
    client.reconnectNow();
    expect(client.status).toBe('online');
    expect(statuses).toEqual(['online']);
  });
});
