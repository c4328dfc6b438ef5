/**
 * The browser part (`--browser`): Start-to-video for Mayfly and for the
 * raw-WebRTC floor page, timed by Playwright in Debian's Chromium. It runs
 * through the end-to-end runner (e2e/scripts/run.mjs), which builds the
 * product when its build is stale and, as root, moves everything into a
 * private network namespace, since Chromium offers ICE candidates from the
 * machine's real interfaces. The figures come back in a JSON file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Children, REPO_ROOT } from '../children.js';
import type { BenchOptions } from '../options.js';
import { median } from '../stats.js';

const RUNNER = path.join(REPO_ROOT, 'e2e/scripts/run.mjs');
const CONFIG = path.join(REPO_ROOT, 'bench/browser/playwright.config.ts');
/** A stale build (about a minute here) plus every call, each bounded by its own timeouts. */
const RUNNER_TIMEOUT_MS = 20 * 60_000;

export type PageKind = 'mayfly' | 'floor';

/** One call, as bench/browser/start-to-video.bench.ts measures it. */
export interface CallFigures {
  readonly page: PageKind;
  /** From the second stranger's Start click to their first frame of the other's video. */
  readonly newcomerMs: number;
  /** From that click until both show the other's video. */
  readonly bothMs: number;
}

export const PAGE_LABELS: Readonly<Record<PageKind, string>> = {
  mayfly: 'Mayfly (built web client)',
  floor: 'raw-WebRTC floor page',
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
  readonly startToVideoMs: readonly number[];
}

export type BrowserReport =
  | {
      readonly status: 'measured';
      readonly chromium: string;
      readonly pages: readonly BrowserPageFigures[];
      /** Mayfly's median over the floor's. */
      readonly mayflyVsFloor: number;
    }
  | { readonly status: 'failed'; readonly reason: string };

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
    startToVideoMs: both,
  };
}

export async function runBrowserPart(
  options: Pick<BenchOptions, 'trials'>,
  deps: { children: Children; log: (line: string) => void },
): Promise<BrowserReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-bench-browser-'));
  const out = path.join(dir, 'calls.json');
  try {
    deps.log(`browser: ${options.trials} calls each for Mayfly and the floor page, via ${RUNNER}`);
    const child = deps.children.spawnToStderr(process.execPath, [RUNNER, '--config', CONFIG], {
      ...process.env,
      BENCH_BROWSER_OUT: out,
      BENCH_BROWSER_TRIALS: String(options.trials),
    });
    const timer = setTimeout(() => void deps.children.stop(child), RUNNER_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode));
      child.once('error', () => resolve(null));
    });
    clearTimeout(timer);
    if (code !== 0) return { status: 'failed', reason: `the e2e runner exited with ${code}` };
    const { chromium, calls } = JSON.parse(readFileSync(out, 'utf8')) as {
      chromium: string;
      calls: CallFigures[];
    };
    const pages = [figuresOf('mayfly', calls), figuresOf('floor', calls)];
    const [mayfly, floor] = pages;
    return {
      status: 'measured',
      chromium,
      pages,
      mayflyVsFloor: (mayfly?.startToVideoP50Ms ?? NaN) / (floor?.startToVideoP50Ms ?? NaN),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
