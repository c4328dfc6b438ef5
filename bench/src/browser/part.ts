/**
 * The browser part (`--browser`): Start-to-video for Mayfly, direct and
 * relayed, and for the raw-WebRTC floor page, timed by Playwright in Debian's
 * Chromium, with the time of each step of the call inside the pages. It runs
 * through the end-to-end runner (e2e/scripts/run.mjs), which builds the
 * product when its build is stale and, as root, moves everything into a
 * private network namespace, since Chromium offers ICE candidates from the
 * machine's real interfaces. The figures come back in a JSON file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Children, REPO_ROOT } from '../children.js';
import type { BenchOptions } from '../options.js';
import { median } from '../stats.js';
import { MARKS, type PageMarks } from './marks.js';

export const RUNNER = path.join(REPO_ROOT, 'e2e/scripts/run.mjs');
const CONFIG = path.join(REPO_ROOT, 'bench/browser/playwright.config.ts');
const SIZE_SCRIPT = path.join(REPO_ROOT, 'web/scripts/size.mjs');
/** A stale build (about a minute here) plus every call, each bounded by its own timeouts. */
const RUNNER_TIMEOUT_MS = 20 * 60_000;

export const PAGE_KINDS = [
  'mayfly',
  'mayfly-relayed',
  'floor',
  'mayfly-cpu4',
  'floor-cpu4',
  'baseline',
  'baseline-cpu4',
] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

/** One call, as bench/browser/start-to-video.bench.ts measures it. */
export interface CallFigures {
  readonly page: PageKind;
  /** From the second stranger's Start click to their first frame of the other's video. */
  readonly newcomerMs: number;
  /** From that click until both show the other's video. */
  readonly bothMs: number;
  /**
   * CPU time of all the browser's processes from that click until both pages had their
   * marks (about 0.1 s after the last first frame), both pages together.
   */
  readonly browserCpuMs: number;
  /** When each step happened in the newcomer's page and in the waiter's, ms after that click. */
  readonly newcomer: PageMarks;
  readonly waiter: PageMarks;
}

export const PAGE_LABELS: Readonly<Record<PageKind, string>> = {
  mayfly: 'Mayfly direct (TURN off)',
  'mayfly-relayed': 'Mayfly relayed (Hide my IP, both)',
  floor: 'raw-WebRTC floor page',
  'mayfly-cpu4': 'Mayfly direct, CPU 4x slower',
  'floor-cpu4': 'floor page, CPU 4x slower',
  baseline: 'Mayfly direct, baseline build',
  'baseline-cpu4': 'Mayfly direct, baseline build, CPU 4x slower',
};

/**
 * How much slower each page's CPU runs (Chrome DevTools Protocol
 * `Emulation.setCPUThrottlingRate`, applied to both pages of the call): 4 stands for a
 * phone-class CPU, where every millisecond of main-thread work counts four times.
 */
export const CPU_THROTTLE: Readonly<Record<PageKind, number>> = {
  mayfly: 1,
  'mayfly-relayed': 1,
  floor: 1,
  'mayfly-cpu4': 4,
  'floor-cpu4': 4,
  baseline: 1,
  'baseline-cpu4': 4,
};

export interface BrowserPageFigures {
  readonly page: PageKind;
  readonly label: string;
  readonly calls: number;
  /** The second stranger's Start click until both show the other's video: median, slowest. */
  readonly startToVideoP50Ms: number;
  readonly startToVideoMaxMs: number;
  /** The same click until the newcomer alone sees video. */
  readonly newcomerP50Ms: number;
  /** The browser's CPU time per call, median. */
  readonly browserCpuP50Ms: number;
  readonly startToVideoMs: readonly number[];
  /** Each step's median time after the click, in each page; a step a page lacks is absent. */
  readonly steps: { readonly newcomer: PageMarks; readonly waiter: PageMarks };
  /** Every call's own figures, in the order they ran. */
  readonly perCall: readonly CallFigures[];
}

/** First-load JavaScript of Mayfly's chat page, gzipped (web/scripts/size.mjs). */
export interface FirstLoadJs {
  readonly gzipBytes: number;
  readonly budgetBytes: number;
  /** What the page fetches with import() from Start on. */
  readonly laterGzipBytes: number;
}

export type BrowserReport =
  | {
      readonly status: 'measured';
      readonly chromium: string;
      readonly pages: readonly BrowserPageFigures[];
      /** Mayfly direct's median over the floor's. */
      readonly mayflyVsFloor: number;
      /** The same with both pages' CPU throttled 4x. */
      readonly mayflyVsFloorCpu4: number;
      /** Mayfly relayed's median minus Mayfly direct's, ms. */
      readonly relayedMinusDirectMs: number;
      /**
       * With --baseline-build: that build's medians over the floor's, unthrottled and at 4x CPU,
       * to read beside mayflyVsFloor and mayflyVsFloorCpu4 of the same run.
       */
      readonly baseline: {
        readonly dir: string;
        readonly vsFloor: number;
        readonly vsFloorCpu4: number;
      } | null;
      /** null when it could not be measured. */
      readonly firstLoadJs: FirstLoadJs | null;
    }
  | { readonly status: 'failed'; readonly reason: string };

/** Each step's median over the calls that recorded it. */
function medianSteps(marks: readonly PageMarks[]): PageMarks {
  const steps: PageMarks = {};
  for (const name of MARKS) {
    const times = marks.map((call) => call[name]).filter((at) => at !== undefined);
    if (times.length > 0) steps[name] = median(times);
  }
  return steps;
}

function figuresOf(page: PageKind, calls: readonly CallFigures[]): BrowserPageFigures {
  const mine = calls.filter((call) => call.page === page);
  const both = mine.map((call) => call.bothMs);
  return {
    page,
    label: PAGE_LABELS[page],
    calls: mine.length,
    startToVideoP50Ms: median(both),
    startToVideoMaxMs: Math.max(...both),
    newcomerP50Ms: median(mine.map((call) => call.newcomerMs)),
    browserCpuP50Ms: median(mine.map((call) => call.browserCpuMs)),
    startToVideoMs: both,
    steps: {
      newcomer: medianSteps(mine.map((call) => call.newcomer)),
      waiter: medianSteps(mine.map((call) => call.waiter)),
    },
    perCall: mine,
  };
}

function measureFirstLoadJs(log: (line: string) => void): FirstLoadJs | null {
  try {
    const out = execFileSync(process.execPath, [SIZE_SCRIPT, '--json'], { encoding: 'utf8' });
    const sizes = JSON.parse(out) as {
      firstLoadGzipBytes: number;
      laterGzipBytes: number;
      budgetBytes: number;
    };
    return {
      gzipBytes: sizes.firstLoadGzipBytes,
      budgetBytes: sizes.budgetBytes,
      laterGzipBytes: sizes.laterGzipBytes,
    };
  } catch (error) {
    log(`browser: could not measure the first-load JavaScript: ${(error as Error).message}`);
    return null;
  }
}

/**
 * Runs the end-to-end runner with the Playwright config `config` and `env` besides this
 * process's environment; resolves with its exit code (null: it could not start), stopping it
 * after `timeoutMs`.
 */
export async function runE2eConfig(
  children: Children,
  config: string,
  timeoutMs: number,
  env: Readonly<Record<string, string>>,
): Promise<number | null> {
  const child = children.spawnToStderr(process.execPath, [RUNNER, '--config', config], {
    ...process.env,
    ...env,
  });
  const timer = setTimeout(() => void children.stop(child), timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (exitCode) => resolve(exitCode));
    child.once('error', () => resolve(null));
  });
  clearTimeout(timer);
  return code;
}

export async function runBrowserPart(
  options: Pick<BenchOptions, 'trials' | 'baselineBuild'>,
  deps: { children: Children; log: (line: string) => void },
): Promise<BrowserReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-bench-browser-'));
  const out = path.join(dir, 'calls.json');
  try {
    const { baselineBuild } = options;
    const baselineNote =
      baselineBuild === undefined ? '' : `, and Mayfly direct from ${baselineBuild} at both speeds`;
    deps.log(
      `browser: ${options.trials} calls each for Mayfly direct, Mayfly relayed and the floor page, and for Mayfly direct and the floor with the CPU throttled 4x${baselineNote}, via ${RUNNER}`,
    );
    const code = await runE2eConfig(deps.children, CONFIG, RUNNER_TIMEOUT_MS, {
      BENCH_BROWSER_OUT: out,
      BENCH_BROWSER_TRIALS: String(options.trials),
      ...(baselineBuild === undefined ? {} : { BENCH_BASELINE_BUILD: baselineBuild }),
    });
    if (code !== 0) return { status: 'failed', reason: `the e2e runner exited with ${code}` };
    const { chromium, calls } = JSON.parse(readFileSync(out, 'utf8')) as {
      chromium: string;
      calls: CallFigures[];
    };
    // The baseline's pages only when it ran.
    const pages = PAGE_KINDS.filter((kind) => calls.some((call) => call.page === kind)).map(
      (kind) => figuresOf(kind, calls),
    );
    const p50 = (kind: PageKind): number =>
      pages.find((page) => page.page === kind)?.startToVideoP50Ms ?? NaN;
    return {
      status: 'measured',
      chromium,
      pages,
      mayflyVsFloor: p50('mayfly') / p50('floor'),
      mayflyVsFloorCpu4: p50('mayfly-cpu4') / p50('floor-cpu4'),
      relayedMinusDirectMs: p50('mayfly-relayed') - p50('mayfly'),
      baseline:
        baselineBuild === undefined
          ? null
          : {
              dir: baselineBuild,
              vsFloor: p50('baseline') / p50('floor'),
              vsFloorCpu4: p50('baseline-cpu4') / p50('floor-cpu4'),
            },
      // After the runner: the build it checked is the one measured.
      firstLoadJs: measureFirstLoadJs(deps.log),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
