/**
 * The tiny benchmark, end to end: every server, every load worker and both
 * scenarios run for real, and the JSON report has its documented shape with
 * a finite number in every figure. No figure is compared with anything:
 * timing belongs in the benchmark's output, not in a test's verdict.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { TYPESCRIPT_EXEC_ARGV } from '../src/children.js';
import type { BenchReport } from '../src/report.js';

const BENCH_DIR = path.resolve(import.meta.dirname, '..');
const REDIS_URL = process.env.MAYFLY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const RELAY_FIGURES = [
  'cpuPerSignalNetUs',
  'cpuPerSignalUs',
  'droppedConnections',
  'failedConnections',
  'idleConnections',
  'idleCpuPercent',
  'pairsClientCpuPercent',
  'roundTripP50Ms',
  'roundTripP99Ms',
  'rssPerIdleConnectionKiB',
  'rssWithIdleMiB',
  'signalsPerSecond',
];
const PAIRING_FIGURES = [
  'burstJoinToMatchedP99Ms',
  'droppedConnections',
  'joinToMatchedP50Ms',
  'joinToMatchedP99Ms',
  'matchesPerSecond',
  'protocolErrors',
  'relayRoundTripP50Ms',
  'relayRoundTripP99Ms',
  'relaySignalsPerSecond',
  'unmatched',
];
const RATIOS = [
  'cpuPerSignal',
  'cpuPerSignalNet',
  'idleCpu',
  'roundTripP99',
  'rssPerIdleConnection',
];

function expectFigures(figures: object, names: readonly string[], where: string): void {
  expect(Object.keys(figures).sort(), where).toEqual(names);
  for (const [name, value] of Object.entries(figures)) {
    expect(Number.isFinite(value), `${where}.${name} = ${String(value)}`).toBe(true);
  }
}

test('the tiny benchmark measures every server and setup and reports a finite number for each figure', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...TYPESCRIPT_EXEC_ARGV, 'src/main.ts', '--tiny', '--json', '--redis-url', REDIS_URL],
    { cwd: BENCH_DIR, timeout: 110_000, maxBuffer: 64 * 1024 * 1024 },
  );
  const report = JSON.parse(stdout) as BenchReport;

  expect(report.schema).toBe('mayfly-bench/1');
  expect(report.options.mode).toBe('tiny');
  expect(report.browser).toBeNull();
  expect(report.instructions).toBeNull();
  expect(report.turn).toBeNull();
  expect(report.failures).toEqual([]);
  expect(Number.isFinite(report.durationSeconds)).toBe(true);
  expect(Number.isFinite(report.machine.cpus)).toBe(true);

  const relay = report.relay;
  expect(relay).not.toBeNull();
  expect(Object.keys(relay?.medians ?? {}).sort()).toEqual(['mayfly', 'peerjs', 'socketio']);
  for (const [server, figures] of Object.entries(relay?.medians ?? {})) {
    expectFigures(figures, RELAY_FIGURES, `relay.medians.${server}`);
    expect(relay?.rounds[server as keyof typeof relay.rounds]).toHaveLength(1);
  }
  for (const [baseline, ratios] of Object.entries(relay?.mayflyVs ?? {})) {
    expect(Object.keys(ratios).sort()).toEqual(RATIOS);
    // A ratio is null only where the baseline measured zero (idle CPU in a short window).
    for (const [name, value] of Object.entries(ratios)) {
      expect(value === null || Number.isFinite(value), `mayflyVs.${baseline}.${name}`).toBe(true);
    }
  }

  const pairing = report.pairing;
  expect(pairing).not.toBeNull();
  expect(Object.keys(pairing?.medians ?? {}).sort()).toEqual([
    'mayfly-1-node',
    'mayfly-1-node-redis',
    'mayfly-3-nodes',
    'socketio',
  ]);
  for (const [setup, figures] of Object.entries(pairing?.medians ?? {})) {
    expectFigures(figures, PAIRING_FIGURES, `pairing.medians.${setup}`);
  }
});

const hasValgrind = spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;

test.skipIf(!hasValgrind)(
  'the tiny instructions part counts instructions per relayed signal for every server under callgrind',
  { timeout: 300_000 },
  async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...TYPESCRIPT_EXEC_ARGV, 'src/main.ts', '--tiny', '--only', 'instructions', '--json'],
      { cwd: BENCH_DIR, timeout: 290_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as BenchReport;
    expect(report.failures).toEqual([]);
    expect(report.relay).toBeNull();
    const instructions = report.instructions;
    expect(Object.keys(instructions?.figures ?? {}).sort()).toEqual([
      'mayfly',
      'peerjs',
      'socketio',
    ]);
    for (const [kind, figures] of Object.entries(instructions?.figures ?? {})) {
      // 5 pairs, 30 round trips each, two relays per round trip.
      expect(figures.signals, kind).toBe(300);
      expect(figures.kiloInstructionsPerSignal, kind).toBeGreaterThan(0);
      expect(Number.isFinite(figures.kiloInstructionsPerSignal), kind).toBe(true);
    }
    expect(Number.isFinite(instructions?.mayflyVs.peerjs)).toBe(true);
    expect(Number.isFinite(instructions?.mayflyVs.socketio)).toBe(true);
  },
);

const hasCoturn = [
  '/usr/bin/turnserver',
  '/usr/bin/turnutils_uclient',
  '/usr/bin/turnutils_peer',
].every((file) => existsSync(file));
const TURN_FIGURES = [
  'callsPerCore',
  'cpuPerPacketNetUs',
  'cpuPerPacketUs',
  'cpuPercent',
  'idleCpuPercent',
  'lostPackets',
  'relayedPackets',
  'rssMiB',
  'systemCpuPerPacketUs',
];

test.skipIf(!hasCoturn)(
  'the tiny TURN part measures the embedded server and coturn with turnutils_uclient',
  { timeout: 180_000 },
  async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...TYPESCRIPT_EXEC_ARGV, 'src/main.ts', '--tiny', '--only', 'turn', '--json'],
      { cwd: BENCH_DIR, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const report = JSON.parse(stdout) as BenchReport;
    expect(report.failures).toEqual([]);
    expect(report.relay).toBeNull();
    const turn = report.turn;
    expect(Object.keys(turn?.medians ?? {}).sort()).toEqual(['coturn', 'embedded']);
    for (const [kind, figures] of Object.entries(turn?.medians ?? {})) {
      // A tiny run can cost a server less net CPU than /proc's 10 ms clock resolves (seen twice
      // for the embedded server in a loaded unit run): then calls per core is n/a (null in JSON),
      // and every other figure is still there.
      const unresolved = figures.cpuPerPacketNetUs === 0;
      if (unresolved) expect(figures.callsPerCore as number | null, kind).toBeNull();
      const resolved = unresolved ? { ...figures, callsPerCore: 0 } : figures;
      expectFigures(resolved, TURN_FIGURES, `turn.medians.${kind}`);
      // 5 sessions, 50 messages each, relayed to the peer and back.
      expect(figures.relayedPackets, kind).toBe(500);
    }
  },
);
