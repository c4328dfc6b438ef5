/**
 * Signaling benchmark: how fast strangers are paired and how much latency
 * the relay adds, against a baseline in the same run: a bare Socket.IO
 * server that forwards to a fixed partner with no validation, rate limit or
 * logging. Loopback only. Prints figures; asserts nothing.
 *
 *   npm run bench -w signaling [-- --pairs 100 --round-trips 50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config.js';
import type { Signal } from '@mayfly/protocol';
import { CANDIDATE, listen, open, percentile } from './bench-clients.js';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '100' },
    'round-trips': { type: 'string', default: '50' },
  },
});
const PAIRS = Number(values.pairs);
const ROUND_TRIPS = Number(values['round-trips']);

type AnySocket = Socket;

/** Round trips A → B → A of a candidate-sized signal, for every pair at once. */
async function measureRelay(pairs: [AnySocket, AnySocket][]): Promise<RelayFigures> {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    pairs.map(async ([a, b]) => {
      b.on('signal', (signal: Signal) => b.emit('signal', signal));
      for (let i = 0; i < ROUND_TRIPS; i++) {
        const started = performance.now();
        await new Promise<void>((resolve) => {
          a.once('signal', () => resolve());
          a.emit('signal', CANDIDATE);
        });
        latencies.push(performance.now() - started);
      }
    }),
  );
  return { latencies: latencies.sort((x, y) => x - y), wallMs: performance.now() - started };
}

interface RelayFigures {
  latencies: number[];
  wallMs: number;
}

interface Figures extends RelayFigures {
  pairingMs: number;
}

async function runMayfly(): Promise<Figures> {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-bench-'));
  const config = parseConfig({
    LOG_DIR: logDir,
    TURN_MODE: 'off',
    MAX_CONNECTIONS_PER_ADDRESS: '100000',
    RATE_LIMIT_BURST: '10000',
    RATE_LIMIT_PER_SECOND: '10000',
  });
  const httpServer = createServer();
  const app = createApp(httpServer, config);
  const url = await listen(httpServer);
  const sockets = await Promise.all(Array.from({ length: PAIRS * 2 }, () => open(url)));

  const pairingStarted = performance.now();
  const matched = sockets.map(
    (s) =>
      new Promise<boolean>((r) => s.once('matched', (m: { initiator: boolean }) => r(m.initiator))),
  );
  await Promise.all(sockets.map((s) => s.emitWithAck('start', {})));
  const initiators = await Promise.all(matched);
  const pairingMs = performance.now() - pairingStarted;

  // Recover who is paired with whom: each initiator introduces itself by index.
  const pairs: [AnySocket, AnySocket][] = [];
  await Promise.all(
    sockets.map((socket, index) => {
      if (initiators[index] === true) {
        socket.emit('signal', { type: 'offer', sdp: `v=0 index=${index}` });
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        socket.once('signal', (signal: Signal) => {
          const initiator =
            sockets[Number(/index=(\d+)/u.exec('sdp' in signal ? signal.sdp : '')?.[1])];
          if (initiator !== undefined) pairs.push([initiator, socket]);
          resolve();
        });
      });
    }),
  );
  const relay = await measureRelay(pairs);
  for (const s of sockets) s.disconnect();
  await app.close();
  rmSync(logDir, { recursive: true, force: true });
  return { pairingMs, ...relay };
}

async function runBaseline(): Promise<Figures> {
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false });
  const partnerOf = new Map<string, string>();
  let waiting: string | undefined;
  io.on('connection', (socket) => {
    socket.on('start', (_request: unknown, ack: (r: unknown) => void) => {
      if (waiting === undefined) waiting = socket.id;
      else {
        partnerOf.set(socket.id, waiting);
        partnerOf.set(waiting, socket.id);
        io.to(waiting).emit('matched', { initiator: true });
        socket.emit('matched', { initiator: false });
        waiting = undefined;
      }
      ack({ ok: true });
    });
    socket.on('signal', (signal: unknown) => {
      const partner = partnerOf.get(socket.id);
      if (partner !== undefined) io.to(partner).emit('signal', signal);
    });
  });
  const url = await listen(httpServer);
  const sockets = await Promise.all(Array.from({ length: PAIRS * 2 }, () => open(url)));
  const pairingStarted = performance.now();
  const matched = sockets.map((s) => new Promise((r) => s.once('matched', r)));
  await Promise.all(sockets.map((s) => s.emitWithAck('start', {})));
  await Promise.all(matched);
  const pairingMs = performance.now() - pairingStarted;
  const pairs: [AnySocket, AnySocket][] = [];
  const byId = new Map(sockets.map((s) => [s.id, s]));
  for (const s of sockets) {
    // The baseline knows its own pairing; the sockets' ids match the server's.
    const partner = partnerOf.get(s.id ?? '');
    const other = partner === undefined ? undefined : byId.get(partner);
    if (other !== undefined && pairs.every(([a, b]) => a !== other && b !== other))
      pairs.push([s, other]);
  }
  const relay = await measureRelay(pairs);
  for (const s of sockets) s.disconnect();
  await new Promise<void>((resolve) => io.close(() => resolve()));
  return { pairingMs, ...relay };
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** One row: the median of each figure over the rounds. */
function row(name: string, rounds: Figures[]): string {
  const cells = [
    name.padEnd(10),
    median(rounds.map((r) => (PAIRS / r.pairingMs) * 1000))
      .toFixed(0)
      .padStart(12),
    median(rounds.map((r) => percentile(r.latencies, 50)))
      .toFixed(2)
      .padStart(9),
    median(rounds.map((r) => percentile(r.latencies, 99)))
      .toFixed(2)
      .padStart(9),
    median(rounds.map((r) => (r.latencies.length / r.wallMs) * 1000))
      .toFixed(0)
      .padStart(14),
  ];
  return cells.join(' ');
}

// Alternate the two servers so that warm-up and background load hit both alike.
const ROUNDS = 3;
const baseline: Figures[] = [];
const mayfly: Figures[] = [];
await runBaseline(); // warm-up, not counted
for (let round = 0; round < ROUNDS; round++) {
  baseline.push(await runBaseline());
  mayfly.push(await runMayfly());
}
console.log(
  `signaling benchmark: ${PAIRS} pairs, ${ROUND_TRIPS} round trips each, median of ${ROUNDS} rounds, loopback, node ${process.version}`,
);
console.log(
  `${'server'.padEnd(10)} ${'pairs/s'.padStart(12)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'round trips/s'.padStart(14)}`,
);
console.log(row('baseline', baseline));
console.log(row('mayfly', mayfly));
