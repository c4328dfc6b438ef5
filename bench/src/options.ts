/**
 * The benchmark's command line, parsed once into a frozen plan. Sizes are
 * checked against the machine's limits before anything starts: a server
 * holds every connection in one process, under the open-files limit.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './children.js';
import type { TurnPlan } from './scenarios/turn.js';

export const USAGE = `usage: npm run bench -- [options]

  --idle N        idle connections held open during the relay scenario (default 4000)
  --pairs N       pairs bouncing signals (default 50)
  --seconds S     how long they bounce (default 5)
  --rounds R      rounds, alternating the servers; figures are medians (default 3)
  --joins N       strangers pressing Start at once in the pairing burst (default 1000)
  --large         15,000 idle connections (relay round-trip percentiles alongside)
  --tiny          a few hundred connections, one round (about 20 s; the test suite's smoke test)
  --only PART     relay, pairing, browser, instructions, turn or recovery: run that part alone
  --instructions  also count CPU instructions per relayed signal under valgrind (about 2 minutes)
  --turn          also measure the TURN relay: server CPU per relayed packet, embedded against
                  coturn, turnutils_uclient as the load (needs coturn installed; about 2 minutes)
  --turn-clients N  uclient sessions in the TURN part, each 50 packets/s each way (default 50)
  --browser       also time Start-to-video in Chromium (needs a web build, root for the namespace)
  --recovery      also time how long video takes to flow again after a 5 s network break, in the
                  network lab (direct, relayed, Firefox partner; root for the namespaces; about 8 min)
  --trials N      counted browser calls per page, and breaks per call with --recovery (default 10)
  --baseline-build DIR  also time Mayfly direct (unthrottled and 4x) served from another web build,
                  in the same run as the current one: an A/B of a client change (see
                  docs/performance.md); DIR holds handler.js and lies inside this repository
  --tuned-baselines  run the baselines with Mayfly's node flags too (npm start's; default: node's defaults)
  --redis-url URL Redis for the multi-node setups (default $BENCH_REDIS_URL or redis://127.0.0.1:6379)
  --json          print the figures as JSON only (progress goes to stderr)
  --out FILE      also write the JSON report to FILE (relative: to where npm was started)
`;

export const PARTS = ['relay', 'pairing', 'browser', 'instructions', 'turn', 'recovery'] as const;
export type Part = (typeof PARTS)[number];
export type Mode = 'tiny' | 'default' | 'large';

export interface BenchOptions {
  readonly mode: Mode;
  readonly parts: readonly Part[];
  readonly idle: number;
  readonly pairs: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly joins: number;
  /** Size of the signal bounced: an SDP-shaped string of this many bytes. */
  readonly signalBytes: number;
  readonly warmupSeconds: number;
  readonly idleWindowSeconds: number;
  readonly idleWindowCoversKeepAlive: boolean;
  readonly settleMs: number;
  readonly pacedPairs: number;
  readonly gapMs: number;
  readonly trials: number;
  readonly redisUrl: string;
  /** The baselines run with the node flags `npm start` gives Mayfly, not node's defaults. */
  readonly tunedBaselines: boolean;
  readonly json: boolean;
  /** Where the JSON report is written besides stdout, if anywhere. */
  readonly out: string | undefined;
  /** Connections one load-generator process holds at most. */
  readonly connectionsPerWorker: number;
  /** The TURN part's load: turnutils_uclient sessions and what each sends. */
  readonly turn: TurnPlan;
  /** Another web build (absolute) the browser part also times, beside the current one. */
  readonly baselineBuild: string | undefined;
}

export class BenchOptionError extends Error {}

/** The open-files limit is 20,000 per process here; a server also needs files for itself. */
export const MAX_SERVER_CONNECTIONS = 18_500;

type Preset = Omit<
  BenchOptions,
  'parts' | 'redisUrl' | 'tunedBaselines' | 'json' | 'out' | 'mode' | 'baselineBuild'
>;

const DEFAULT_PRESET: Preset = {
  idle: 4000,
  pairs: 50,
  seconds: 5,
  rounds: 3,
  joins: 1000,
  signalBytes: 1200,
  warmupSeconds: 1,
  idleWindowSeconds: 3,
  idleWindowCoversKeepAlive: true,
  settleMs: 1000,
  pacedPairs: 100,
  gapMs: 10,
  trials: 10,
  connectionsPerWorker: 2500,
  // 50 sessions of 50 packets a second each way for 10 s: 5,000 relayed packets a second.
  turn: { clients: 50, messages: 500, bytes: 1000, intervalMs: 20, idleWindowSeconds: 3 },
};

const PRESETS: Readonly<Record<Mode, Preset>> = {
  default: DEFAULT_PRESET,
  // Near one process's open-files limit, with the same pairs for the round-trip percentiles.
  large: { ...DEFAULT_PRESET, idle: 15_000 },
  tiny: {
    ...DEFAULT_PRESET,
    idle: 300,
    pairs: 10,
    seconds: 1,
    rounds: 1,
    joins: 100,
    warmupSeconds: 0.2,
    idleWindowSeconds: 0.5,
    idleWindowCoversKeepAlive: false,
    settleMs: 300,
    pacedPairs: 20,
    trials: 1,
    turn: { clients: 5, messages: 50, bytes: 1000, intervalMs: 20, idleWindowSeconds: 0.5 },
  },
};

function numberOption(
  raw: string | undefined,
  name: string,
  [min, max]: readonly [number, number],
  whole = true,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (whole && !Number.isInteger(value))
  ) {
    const kind = whole ? 'a whole number' : 'a number';
    throw new BenchOptionError(`--${name}: expected ${kind} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * A web build to compare with, as adapter-node wrote it (handler.js), inside this repository:
 * its server code imports its dependencies from the repository's node_modules.
 */
function baselineBuildOption(
  value: string | undefined,
  cwd: string | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  const dir = path.resolve(cwd ?? process.cwd(), value);
  if (!existsSync(path.join(dir, 'handler.js'))) {
    throw new BenchOptionError(
      `--baseline-build: ${dir} holds no handler.js (copy a web/build made with npm run build -w web)`,
    );
  }
  const inside = path.relative(REPO_ROOT, dir);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new BenchOptionError(
      `--baseline-build: ${dir} must lie inside ${REPO_ROOT}, where its server code finds node_modules`,
    );
  }
  return dir;
}

export function parseBenchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        idle: { type: 'string' },
        pairs: { type: 'string' },
        seconds: { type: 'string' },
        rounds: { type: 'string' },
        joins: { type: 'string' },
        trials: { type: 'string' },
        large: { type: 'boolean', default: false },
        tiny: { type: 'boolean', default: false },
        only: { type: 'string' },
        browser: { type: 'boolean', default: false },
        instructions: { type: 'boolean', default: false },
        turn: { type: 'boolean', default: false },
        recovery: { type: 'boolean', default: false },
        'turn-clients': { type: 'string' },
        'redis-url': { type: 'string' },
        'tuned-baselines': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        'baseline-build': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new BenchOptionError((error as Error).message);
  }
  if (values.help) throw new BenchOptionError('');
  if (values.tiny && values.large)
    throw new BenchOptionError('--tiny and --large exclude each other');
  const mode: Mode = values.tiny ? 'tiny' : values.large ? 'large' : 'default';
  const preset = PRESETS[mode];

  let parts: Part[] = ['relay', 'pairing'];
  if (values.browser) parts.push('browser');
  if (values.instructions) parts.push('instructions');
  if (values.turn) parts.push('turn');
  if (values.recovery) parts.push('recovery');
  if (values.only !== undefined) {
    if (!(PARTS as readonly string[]).includes(values.only)) {
      throw new BenchOptionError(
        `--only: expected one of ${PARTS.join(', ')}, got "${values.only}"`,
      );
    }
    parts = [values.only as Part];
  }

  const options: BenchOptions = {
    ...preset,
    mode,
    parts,
    idle: numberOption(values.idle, 'idle', [1, MAX_SERVER_CONNECTIONS]) ?? preset.idle,
    pairs: numberOption(values.pairs, 'pairs', [1, 1000]) ?? preset.pairs,
    seconds: numberOption(values.seconds, 'seconds', [0.1, 600], false) ?? preset.seconds,
    rounds: numberOption(values.rounds, 'rounds', [1, 20]) ?? preset.rounds,
    joins: numberOption(values.joins, 'joins', [2, 10_000]) ?? preset.joins,
    trials: numberOption(values.trials, 'trials', [1, 50]) ?? preset.trials,
    turn: {
      ...preset.turn,
      clients:
        numberOption(values['turn-clients'], 'turn-clients', [1, 500]) ?? preset.turn.clients,
    },
    redisUrl: values['redis-url'] ?? env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    tunedBaselines: values['tuned-baselines'],
    json: values.json,
    // `npm run bench` runs in bench/: a relative path means where npm was started (INIT_CWD).
    out:
      values.out === undefined
        ? undefined
        : path.resolve(env.INIT_CWD ?? process.cwd(), values.out),
    baselineBuild: baselineBuildOption(values['baseline-build'], env.INIT_CWD),
  };
  if (options.idle + options.pairs * 2 > MAX_SERVER_CONNECTIONS) {
    throw new BenchOptionError(
      `--idle plus twice --pairs must stay under ${MAX_SERVER_CONNECTIONS}: one server process holds them all, and the open-files limit is 20,000 per process`,
    );
  }
  return Object.freeze(options);
}
