/**
 * The recovery part (`--recovery`): how long after a 5 s network break the video flows again,
 * direct, relayed, with a Firefox partner, and with a Firefox stranger cut (whose connection is
 * rebuilt: Firefox's DTLS fails for good when its own interface goes down), timed in the network lab by
 * bench/browser/network-recovery.bench.ts. Like the browser part it runs through the end-to-end
 * runner (which builds the product when stale and, as root, works inside a private network
 * namespace); the figures come back as one JSON file per call.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Children, REPO_ROOT } from '../children.js';
import type { BenchOptions } from '../options.js';
import { median } from '../stats.js';
import { RUNNER, runE2eConfig } from './part.js';

const CONFIG = path.join(REPO_ROOT, 'bench/browser/recovery.config.ts');
/** A stale build plus four calls of `trials` breaks each, each bounded by its own timeouts. */
const RUNNER_TIMEOUT_MS = 40 * 60_000;

export const RECOVERY_VARIANTS = [
  'chromium-direct',
  'chromium-relayed',
  'firefox-partner-direct',
  'firefox-cut-direct',
] as const;
export type RecoveryVariant = (typeof RECOVERY_VARIANTS)[number];

export const RECOVERY_LABELS: Readonly<Record<RecoveryVariant, string>> = {
  'chromium-direct': 'Chromium x Chromium, direct',
  'chromium-relayed': 'Chromium x Chromium, relayed (both hide their IP)',
  'firefox-partner-direct': 'Chromium cut, Firefox partner, direct',
  'firefox-cut-direct': 'Firefox cut (connection rebuilt), Chromium partner, direct',
};

/** One break: ms from the network coming back to the third new frame on each side. */
export interface RecoveryTrial {
  readonly variant: RecoveryVariant;
  readonly trial: number;
  /** On the page of the stranger whose network broke. */
  readonly cutMs: number;
  /** On their partner's page. */
  readonly partnerMs: number;
  /** Until both: the larger of the two. */
  readonly bothMs: number;
}

export interface RecoveryFigures {
  readonly variant: RecoveryVariant;
  readonly label: string;
  readonly trials: number;
  readonly bothP50Ms: number;
  readonly bothMinMs: number;
  readonly bothMaxMs: number;
  readonly cutP50Ms: number;
  readonly partnerP50Ms: number;
  readonly bothMs: readonly number[];
}

export type RecoveryReport =
  | { readonly status: 'measured'; readonly variants: readonly RecoveryFigures[] }
  | { readonly status: 'failed'; readonly reason: string };

function figuresOf(variant: RecoveryVariant, trials: readonly RecoveryTrial[]): RecoveryFigures {
  const both = trials.map((trial) => trial.bothMs);
  return {
    variant,
    label: RECOVERY_LABELS[variant],
    trials: trials.length,
    bothP50Ms: median(both),
    bothMinMs: Math.min(...both),
    bothMaxMs: Math.max(...both),
    cutP50Ms: median(trials.map((trial) => trial.cutMs)),
    partnerP50Ms: median(trials.map((trial) => trial.partnerMs)),
    bothMs: both,
  };
}

export async function runRecoveryPart(
  options: Pick<BenchOptions, 'trials'>,
  deps: { children: Children; log: (line: string) => void },
): Promise<RecoveryReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-bench-recovery-'));
  try {
    deps.log(
      `recovery: ${options.trials} breaks of 5 s on each of ${RECOVERY_VARIANTS.length} calls, via ${RUNNER}`,
    );
    const code = await runE2eConfig(deps.children, CONFIG, RUNNER_TIMEOUT_MS, {
      BENCH_RECOVERY_OUT: dir,
      BENCH_RECOVERY_TRIALS: String(options.trials),
    });
    if (code !== 0) return { status: 'failed', reason: `the e2e runner exited with ${code}` };
    const variants = RECOVERY_VARIANTS.map((variant) => {
      const file = path.join(dir, `${variant}.json`);
      return figuresOf(variant, JSON.parse(readFileSync(file, 'utf8')) as RecoveryTrial[]);
    });
    return { status: 'measured', variants };
  } catch (error) {
    return { status: 'failed', reason: (error as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
