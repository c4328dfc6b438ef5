/**
 * `npm run bench`: Mayfly's signaling server against two baselines in the
 * same run, each server in its own process and the load in others, loopback
 * only. Prints tables (or JSON with --json); asserts nothing. See
 * docs/performance.md for the method and what limits each figure.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { runBrowserPart } from './browser/part.js';
import { runRecoveryPart } from './browser/recovery-part.js';
import { ensureServerBuilt } from './build.js';
import { Children } from './children.js';
import { LoadGenerator } from './load/generator.js';
import {
  BenchOptionError,
  type BenchOptions,
  parseBenchOptions,
  type Part,
  USAGE,
} from './options.js';
import { procReader } from './proc.js';
import {
  describeMachine,
  type InstructionsReport,
  instructionsReport,
  type BenchReport,
  type PairingReport,
  type PartFailure,
  ratios,
  type RelayReport,
  REPORT_SCHEMA,
  renderReport,
  type TurnReport,
  turnReport,
} from './report.js';
import {
  measurePairing,
  PAIRING_SETUPS,
  type PairingFigures,
  type PairingSetup,
  pairingWorkersNeeded,
  startCluster,
} from './scenarios/pairing.js';
import {
  hasValgrind,
  type InstructionsFigures,
  measureInstructions,
} from './scenarios/instructions.js';
import { measureRelay, type RelayFigures, relayWorkersNeeded } from './scenarios/relay.js';
import {
  hasCoturn,
  measureTurn,
  startEchoPeer,
  startTurnServer,
  TURN_SERVER_KINDS,
  type TurnFigures,
  type TurnServerKind,
} from './scenarios/turn.js';
import {
  SERVER_KINDS,
  type ServerKind,
  START_NODE_FLAGS,
  startAll,
  startServer,
  stopAll,
} from './servers.js';
import { medianOf } from './stats.js';

const launchedAt = performance.now();
function log(line: string): void {
  const elapsed = ((performance.now() - launchedAt) / 1000).toFixed(1).padStart(5);
  process.stderr.write(`bench: ${elapsed} s  ${line}\n`);
}

/** Round r runs the contenders rotated by r, so none is always first after a start-up. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function byKey<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}

/**
 * Starts every contender of a round together, so that start-up overlaps no
 * measurement, lets them settle, then measures each in turn and stops it
 * right after (the others sit idle with no connection meanwhile).
 */
async function roundOf<C extends { stop(): Promise<void> }>(
  starts: readonly (() => Promise<C>)[],
  settleMs: number,
  measure: (contender: C) => Promise<void>,
): Promise<void> {
  const contenders = await startAll(starts);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  for (const [i, contender] of contenders.entries()) {
    try {
      await measure(contender);
    } catch (error) {
      await stopAll(contenders.slice(i));
      throw error;
    }
    await contender.stop();
  }
}

async function runRelay(
  options: BenchOptions,
  deps: { children: Children; load: LoadGenerator },
): Promise<RelayReport> {
  const proc = procReader();
  const rounds = byKey<ServerKind, RelayFigures[]>(SERVER_KINDS, () => []);
  for (let round = 0; round < options.rounds; round++) {
    const kinds = rotated(SERVER_KINDS, round);
    log(`relay round ${round + 1}/${options.rounds}: ${kinds.join(', ')}`);
    await roundOf(
      kinds.map(
        (kind) => () =>
          startServer(
            deps.children,
            kind,
            undefined,
            options.tunedBaselines ? { nodeFlags: START_NODE_FLAGS } : {},
          ),
      ),
      options.settleMs,
      async (server) => {
        rounds[server.kind].push(await measureRelay(server, options, { ...deps, proc, log }));
      },
    );
  }
  const medians = byKey(SERVER_KINDS, (kind) => medianOf(rounds[kind]));
  return {
    medians,
    rounds,
    mayflyVs: {
      peerjs: ratios(medians.mayfly, medians.peerjs),
      socketio: ratios(medians.mayfly, medians.socketio),
    },
  };
}

async function runPairing(
  options: BenchOptions,
  deps: { children: Children; load: LoadGenerator },
): Promise<PairingReport> {
  const rounds = byKey<PairingSetup, PairingFigures[]>(PAIRING_SETUPS, () => []);
  for (let round = 0; round < options.rounds; round++) {
    const setups = rotated(PAIRING_SETUPS, round);
    log(`pairing round ${round + 1}/${options.rounds}: ${setups.join(', ')}`);
    await roundOf(
      setups.map((setup) => () => startCluster(setup, options, deps.children)),
      options.settleMs,
      async (cluster) => {
        rounds[cluster.setup].push(await measurePairing(cluster, options, { ...deps, log }));
      },
    );
  }
  return { medians: byKey(PAIRING_SETUPS, (setup) => medianOf(rounds[setup])), rounds };
}

/** One measurement per server: instruction counts do not move with the machine's load. */
async function runInstructions(
  options: BenchOptions,
  children: Children,
): Promise<InstructionsReport> {
  if (!(await hasValgrind()))
    throw new Error('valgrind is not installed (apt-get install valgrind)');
  const plan = {
    pairs: 5,
    trips: options.mode === 'tiny' ? 30 : 300,
    signalBytes: options.signalBytes,
  };
  const figures: Partial<Record<ServerKind, InstructionsFigures>> = {};
  for (const kind of SERVER_KINDS) {
    figures[kind] = await measureInstructions(kind, plan, { children, log });
  }
  return instructionsReport(figures as Record<ServerKind, InstructionsFigures>);
}

/** Embedded TURN and coturn, alternating first place, each alone while measured. */
async function runTurn(options: BenchOptions, children: Children): Promise<TurnReport> {
  if (!hasCoturn()) {
    throw new Error('coturn is not installed (apt-get install coturn): nothing to compare with');
  }
  const proc = procReader();
  const rounds = byKey<TurnServerKind, TurnFigures[]>(TURN_SERVER_KINDS, () => []);
  const peer = await startEchoPeer(children);
  try {
    for (let round = 0; round < options.rounds; round++) {
      const kinds = rotated(TURN_SERVER_KINDS, round);
      log(`turn round ${round + 1}/${options.rounds}: ${kinds.join(', ')}`);
      await roundOf(
        kinds.map((kind) => () => startTurnServer(children, kind)),
        options.settleMs,
        async (server) => {
          rounds[server.kind].push(
            await measureTurn(server, peer, options.turn, { children, proc, log }),
          );
        },
      );
    }
  } finally {
    await peer.stop();
  }
  return turnReport(
    rounds,
    byKey(TURN_SERVER_KINDS, (kind) => medianOf(rounds[kind])),
  );
}

async function run(options: BenchOptions, children: Children): Promise<BenchReport> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0] ?? NaN;
  const started = performance.now();
  let relay: RelayReport | null = null;
  let pairing: PairingReport | null = null;
  const failures: PartFailure[] = [];
  // A part that fails costs its own figures, not those of the parts that worked.
  const attempt = async <T>(part: Part, measure: () => Promise<T>): Promise<T | null> => {
    try {
      return await measure();
    } catch (error) {
      log(`${part} failed: ${(error as Error).stack ?? String(error)}`);
      failures.push({ part, error: (error as Error).message });
      return null;
    }
  };
  // Before any clock starts: a build would otherwise land in the first round's start-up.
  if (options.parts.some((part) => part !== 'browser' && part !== 'recovery')) {
    ensureServerBuilt(log);
  }
  const serverParts = options.parts.filter((part) => part === 'relay' || part === 'pairing');
  if (serverParts.length > 0) {
    const workers = Math.max(
      options.parts.includes('relay') ? relayWorkersNeeded(options) : 0,
      options.parts.includes('pairing') ? pairingWorkersNeeded(options) : 0,
    );
    const load = await LoadGenerator.start(children, workers);
    try {
      if (options.parts.includes('relay')) {
        relay = await attempt('relay', () => runRelay(options, { children, load }));
      }
      if (options.parts.includes('pairing')) {
        pairing = await attempt('pairing', () => runPairing(options, { children, load }));
      }
    } finally {
      await load.close();
    }
  }
  const instructions = options.parts.includes('instructions')
    ? await attempt('instructions', () => runInstructions(options, children))
    : null;
  const turn = options.parts.includes('turn')
    ? await attempt('turn', () => runTurn(options, children))
    : null;
  const browser = options.parts.includes('browser')
    ? await runBrowserPart(options, { children, log })
    : null;
  if (browser?.status === 'failed') failures.push({ part: 'browser', error: browser.reason });
  const recovery = options.parts.includes('recovery')
    ? await runRecoveryPart(options, { children, log })
    : null;
  if (recovery?.status === 'failed') failures.push({ part: 'recovery', error: recovery.reason });
  return {
    schema: REPORT_SCHEMA,
    startedAt: startedAt.toISOString(),
    durationSeconds: (performance.now() - started) / 1000,
    machine: describeMachine(loadAtStart),
    options,
    relay,
    pairing,
    instructions,
    turn,
    browser,
    recovery,
    failures,
  };
}

function readOptions(): BenchOptions {
  try {
    return parseBenchOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof BenchOptionError)) throw error;
    if (error.message !== '') process.stderr.write(`bench: ${error.message}\n\n`);
    process.stderr.write(USAGE);
    process.exit(error.message === '' ? 0 : 2);
  }
}

const options = readOptions();
const children = new Children();
// Whatever ends this process, no server or load generator outlives it.
process.on('exit', () => children.killAll());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

try {
  const report = await run(options, children);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (options.out !== undefined) writeFileSync(options.out, json);
  process.stdout.write(options.json ? json : `${renderReport(report)}\n`);
  if (report.failures.length > 0) process.exitCode = 1;
} catch (error) {
  log(`failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
