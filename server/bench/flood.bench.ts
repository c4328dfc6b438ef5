/**
 * Flood benchmark: a healthy pair's signaling round trip (a → server → b →
 * server → a), unloaded and while other connections flood the same server
 * with events as fast as they can, with the flood cut-off on (the default)
 * and, for comparison, effectively off. The flooders run in child processes
 * so that they do not share the server's event loop. Loopback only; bounded
 * in time. Prints figures; asserts nothing.
 *
 *   npm run bench:flood -w server [-- --flooders 2 --connections 4 --seconds 10 --pairs 5]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Socket } from 'socket.io-client';
import type { Signal } from '@mayfly/protocol';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import { createHttpServer } from '../src/server.js';
import { CANDIDATE, listen, open, percentile } from './bench-clients.js';

const { values } = parseArgs({
  options: {
    flooders: { type: 'string', default: '2' },
    connections: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    pairs: { type: 'string', default: '5' },
  },
});
const FLOODERS = Number(values.flooders);
const CONNECTIONS = Number(values.connections);
const SECONDS = Number(values.seconds);
const PAIRS = Number(values.pairs);

interface FlooderCounts {
  opened: number;
  cutOff: number;
  sent: number;
}

interface Scenario {
  name: string;
  latencies: number[];
  lostPairs: number;
  flood: FlooderCounts | undefined;
}

/**
 * Round trips of one pair, one after another, until `until`. Resolves false
 * when the pair lost its connection (the server too busy to answer pings).
 */
async function measure(a: Socket, b: Socket, until: number, latencies: number[]): Promise<boolean> {
  const bounce = (signal: Signal) => b.emit('signal', signal);
  b.on('signal', bounce);
  const lost = new Promise<'lost'>((resolve) => {
    a.once('disconnect', () => resolve('lost'));
    b.once('disconnect', () => resolve('lost'));
  });
  while (performance.now() < until) {
    const started = performance.now();
    const back = new Promise<'back'>((resolve) => a.once('signal', () => resolve('back')));
    a.emit('signal', CANDIDATE);
    if ((await Promise.race([back, lost])) === 'lost') return false;
    latencies.push(performance.now() - started);
    // The pair keeps within its own rate limit, as a browser in a call would.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  b.off('signal', bounce);
  return true;
}

async function openPair(url: string): Promise<[Socket, Socket]> {
  const a = await open(url);
  const b = await open(url);
  const matched = [a, b].map((s) => new Promise((resolve) => s.once('matched', resolve)));
  await a.emitWithAck('start', {});
  await b.emitWithAck('start', {});
  await Promise.all(matched);
  return [a, b];
}

function startFlooders(port: number): Promise<FlooderCounts> {
  const script = path.join(import.meta.dirname, 'flooder.ts');
  const runs = Array.from(
    { length: FLOODERS },
    () =>
      new Promise<FlooderCounts>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            script,
            '--port',
            String(port),
            '--connections',
            String(CONNECTIONS),
            '--seconds',
            String(SECONDS),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('error', reject);
        child.on('exit', () => resolve(JSON.parse(output) as FlooderCounts));
      }),
  );
  return Promise.all(runs).then((all) =>
    all.reduce((sum, counts) => ({
      opened: sum.opened + counts.opened,
      cutOff: sum.cutOff + counts.cutOff,
      sent: sum.sent + counts.sent,
    })),
  );
}

async function run(name: string, env: Record<string, string>, flood: boolean): Promise<Scenario> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-flood-bench-'));
  const config = parseConfig({
    LOG_DIR: logDir,
    TURN_MODE: 'off',
    // Flooders would come from many addresses; here they all share loopback.
    MAX_CONNECTIONS_PER_ADDRESS: '10000',
    ...env,
  });
  const httpServer = createHttpServer(config.http);
  const app = createApp(httpServer, config);
  const url = await listen(httpServer);
  const port = Number(new URL(url).port);
  const pairs: [Socket, Socket][] = [];
  // One after another: the matchmaker pairs them in arrival order.
  for (let i = 0; i < PAIRS; i++) pairs.push(await openPair(url));

  const flooding = flood ? startFlooders(port) : undefined;
  // Measure while the flood is at full strength: after the flooders started, before they stop.
  if (flooding !== undefined) await new Promise((resolve) => setTimeout(resolve, 1000));
  const until = performance.now() + (SECONDS - 2) * 1000;
  const latencies: number[] = [];
  const kept = await Promise.all(pairs.map(([a, b]) => measure(a, b, until, latencies)));
  latencies.sort((x, y) => x - y);
  const counts = await flooding;
  for (const socket of pairs.flat()) socket.disconnect();
  await app.close();
  rmSync(logDir, { recursive: true, force: true });
  return { name, latencies, lostPairs: kept.filter((ok) => !ok).length, flood: counts };
}

const scenarios: Scenario[] = [];
scenarios.push(await run('unloaded', {}, false));
scenarios.push(await run('flood, cut-off on (default)', {}, true));
scenarios.push(await run('flood, cut-off off', { RATE_LIMIT_DISCONNECT_AFTER: '1000000' }, true));

console.log(
  `flood benchmark: ${PAIRS} healthy pairs; ${FLOODERS} flooding processes × ${CONNECTIONS} connections for ${SECONDS} s; loopback, node ${process.version}`,
);
console.log(
  `${'scenario'.padEnd(28)} ${'round trips'.padStart(11)} ${'lost pairs'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'flood events sent'.padStart(18)} ${'cut off'.padStart(8)}`,
);
for (const { name, latencies, lostPairs, flood } of scenarios) {
  console.log(
    [
      name.padEnd(28),
      String(latencies.length).padStart(11),
      String(lostPairs).padStart(10),
      percentile(latencies, 50).toFixed(2).padStart(8),
      percentile(latencies, 99).toFixed(2).padStart(8),
      (flood === undefined ? '-' : String(flood.sent)).padStart(18),
      (flood === undefined ? '-' : String(flood.cutOff)).padStart(8),
    ].join(' '),
  );
}
