/**
 * The instructions scenario: what one relayed signal costs each server in
 * CPU instructions, counted by valgrind's callgrind. Instructions do not
 * depend on what else the machine runs, so this figure holds still on a
 * shared machine where CPU time per signal moves by half (performance.md).
 *
 *  1. start the server under `valgrind --tool=callgrind` with counting off
 *     (start-up and the JIT's first compilations are not counted);
 *  2. open `pairs` pairs from this process, pair them, bounce signals to
 *     warm the JIT up;
 *  3. switch counting on (valgrind's gdbserver, `vgdb`), bounce `trips` round
 *     trips per pair, switch it off and dump: the instructions of every
 *     thread of the server over the window, divided by the signals relayed.
 *
 * No idle connections: this is the cost of relaying, not of holding.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Children } from '../children.js';
import {
  type BenchConnection,
  openPeerJs,
  openSocketIo,
  pairConnections,
  sdpOfLength,
} from '../load/connections.js';
import { PROTOCOL_OF, type ServerKind, startServer } from '../servers.js';

const run = promisify(execFile);

export interface InstructionsPlan {
  readonly pairs: number;
  /** Round trips per pair counted (each is two relayed signals). */
  readonly trips: number;
  readonly signalBytes: number;
}

export interface InstructionsFigures {
  readonly signals: number;
  /** Thousands of instructions per relayed signal, all of the server's threads. */
  readonly kiloInstructionsPerSignal: number;
}

/**
 * valgrind's gdbserver and vgdb find each other by a file named after USER and HOST, so both
 * get the same. HOST is also where Mayfly listens: the same 127.0.0.1 the benchmark gives it.
 */
const VALGRIND_ENV = { USER: 'bench', LOGNAME: 'bench', HOST: '127.0.0.1' };
/** Under valgrind everything runs some 20-50 times slower. */
const SLOW_TIMEOUT_MS = 300_000;

export async function hasValgrind(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function bounce(
  initiators: readonly BenchConnection[],
  sdp: string,
  trips: number,
): Promise<void> {
  await Promise.all(
    initiators.map(async (connection) => {
      for (let trip = 0; trip < trips; trip++) await connection.roundTrip(sdp);
    }),
  );
}

interface Pairs {
  readonly all: readonly BenchConnection[];
  readonly initiators: readonly BenchConnection[];
}

async function pair(kind: ServerKind, url: string, pairs: number): Promise<Pairs> {
  const connections: BenchConnection[] = [];
  for (let index = 0; index < pairs * 2; index++) {
    const options = {
      url,
      index,
      id: `cg-${Date.now().toString(36)}-${index}`,
      timeoutMs: SLOW_TIMEOUT_MS,
    };
    connections.push(await (kind === 'peerjs' ? openPeerJs(options) : openSocketIo(options)));
  }
  const { initiators } = await pairConnections(PROTOCOL_OF[kind], connections, SLOW_TIMEOUT_MS);
  if (initiators.length !== pairs)
    throw new Error(`${kind}: ${initiators.length} of ${pairs} pairs`);
  return { all: connections, initiators };
}

export async function measureInstructions(
  kind: ServerKind,
  plan: InstructionsPlan,
  deps: { children: Children; log: (line: string) => void },
): Promise<InstructionsFigures> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'mayfly-bench-callgrind-'));
  const server = await startServer(deps.children, kind, undefined, {
    env: {
      ...VALGRIND_ENV,
      // A server under valgrind is slow to answer: no client is timed out for it.
      HANDSHAKE_TIMEOUT_MS: '120000',
      REQUEST_TIMEOUT_MS: '120000',
      PING_TIMEOUT_MS: '60000',
    },
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      // V8 writes the code it runs: valgrind must notice.
      '--smc-check=all-non-file',
      '--vgdb=yes',
      `--vgdb-prefix=${path.join(outDir, 'vgdb')}`,
      `--callgrind-out-file=${path.join(outDir, 'callgrind.%p')}`,
    ],
    startTimeoutMs: SLOW_TIMEOUT_MS,
  });
  const vgdb = (...command: string[]) =>
    run('vgdb', [`--vgdb-prefix=${path.join(outDir, 'vgdb')}`, `--pid=${server.pid}`, ...command], {
      env: { ...process.env, ...VALGRIND_ENV },
    });
  let connections: readonly BenchConnection[] = [];
  try {
    deps.log(`${kind} under callgrind: ${plan.pairs} pairs, ${plan.trips} round trips each`);
    const { all, initiators } = await pair(kind, server.url, plan.pairs);
    connections = all;
    const sdp = sdpOfLength(plan.signalBytes);
    // The JIT compiles the hot path in the first hundred or so.
    await bounce(initiators, sdp, 40);
    await vgdb('instrumentation', 'on');
    await bounce(initiators, sdp, plan.trips);
    await vgdb('instrumentation', 'off');
    await vgdb('dump');
    const signals = plan.pairs * plan.trips * 2;
    return { signals, kiloInstructionsPerSignal: countedInstructions(outDir) / signals / 1000 };
  } finally {
    for (const connection of connections) connection.close();
    await server.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** The sum of `totals:` over callgrind's dump files (one per dump, threads combined). */
function countedInstructions(outDir: string): number {
  let total = 0;
  for (const file of readdirSync(outDir).filter((name) => name.startsWith('callgrind.'))) {
    const totals = /^totals: (\d+)/mu.exec(readFileSync(path.join(outDir, file), 'utf8'))?.[1];
    total += Number(totals ?? 0);
  }
  if (total === 0) throw new Error('callgrind counted nothing: vgdb did not reach the server');
  return total;
}
