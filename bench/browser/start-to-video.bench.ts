/**
 * Start-to-video, in Chromium: one stranger waits; the other presses Start;
 * how long until the newcomer sees the waiting stranger's video, and until
 * both see each other's. Five pages, in turn, after one warm-up call each:
 * Mayfly direct (the built product, TURN off), Mayfly relayed (embedded TURN,
 * both strangers with "Hide my IP address", so only relay candidates are
 * used), the raw-WebRTC floor page, and Mayfly direct and the floor again
 * with both pages' CPU throttled 4x (a phone-class CPU, through the DevTools
 * protocol); with $BENCH_BASELINE_BUILD (--baseline-build), Mayfly direct at
 * both speeds again from that web build. Every page records when each step of
 * the call happened (page-marks.ts). Writes every call's figures to
 * $BENCH_BROWSER_OUT; checks only that each call ends with video (a
 * benchmark, not a test).
 */
import { writeFileSync } from 'node:fs';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { LocalServer, relayServerEnv } from '../../e2e/support/server';
import { CPU_THROTTLE, type CallFigures, type PageKind } from '../src/browser/part';
import { cpuSpentMs, sampleChromiumCpu } from './browser-cpu';
import { startFloorServer } from './floor/floor-server';
import { MARKS, type PageMarks } from '../src/browser/marks';
import { watchPage } from './page-marks';

interface Target {
  readonly kind: PageKind;
  readonly url: string;
  readonly healthUrl: string;
  /** What the page needs before Start can be pressed, as a person would have it. */
  prepare(page: Page): Promise<void>;
}

function marksOf(page: Page): Promise<PageMarks> {
  return page.evaluate(() => window.benchMarks.videoShown(30_000));
}

/** Each mark as milliseconds after `origin`. */
function relativeTo(origin: number, marks: PageMarks): PageMarks {
  const relative: PageMarks = {};
  for (const name of MARKS) {
    const at = marks[name];
    if (at !== undefined) relative[name] = at - origin;
  }
  return relative;
}

async function waitingCount(healthUrl: string): Promise<number> {
  const response = await fetch(healthUrl, { signal: AbortSignal.timeout(5000) });
  return ((await response.json()) as { waiting: number }).waiting;
}

async function timeCall(browser: Browser, target: Target): Promise<CallFigures> {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const [waiter, newcomer] = await Promise.all(
      contexts.map(async (context) => {
        const page = await context.newPage();
        const rate = CPU_THROTTLE[target.kind];
        if (rate !== 1) {
          // The session lives as long as the page: the throttle holds through the call.
          const devtools = await context.newCDPSession(page);
          await devtools.send('Emulation.setCPUThrottlingRate', { rate });
        }
        await page.addInitScript(watchPage);
        await page.goto(target.url);
        await target.prepare(page);
        return page;
      }),
    );
    if (waiter === undefined || newcomer === undefined) throw new Error('two pages expected');
    const start = (page: Page) => page.getByRole('button', { name: 'Start', exact: true }).click();
    await start(waiter);
    // The first stranger is in the server's queue, not only showing "Looking".
    await expect.poll(() => waitingCount(target.healthUrl), { timeout: 15_000 }).toBe(1);
    // From here on, only the timed call: not the waiter's own Start, not the pages' loading.
    await Promise.all(
      [waiter, newcomer].map((page) =>
        page.evaluate(() => {
          window.benchMarks.reset();
        }),
      ),
    );
    const cpuBefore = sampleChromiumCpu();
    await start(newcomer);
    const [waiterMarks, newcomerMarks] = await Promise.all([marksOf(waiter), marksOf(newcomer)]);
    const browserCpuMs = cpuSpentMs(cpuBefore, sampleChromiumCpu());
    const { click, video } = newcomerMarks;
    if (click === undefined || video === undefined || waiterMarks.video === undefined) {
      throw new Error('the newcomer click or a first frame went unrecorded');
    }
    return {
      page: target.kind,
      newcomerMs: video - click,
      bothMs: Math.max(waiterMarks.video, video) - click,
      browserCpuMs,
      newcomer: relativeTo(click, newcomerMarks),
      waiter: relativeTo(click, waiterMarks),
    };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

/** Mayfly's start form as a person fills it in once the page says it can start. */
function mayflyPrepare(hideIp: boolean): (page: Page) => Promise<void> {
  return async (page) => {
    await expect(page.getByRole('status')).toHaveText('Press Start to meet a stranger.', {
      timeout: 15_000,
    });
    await page.getByRole('checkbox', { name: 'I am 18 or older' }).check();
    await page.getByRole('checkbox', { name: 'Hide my IP address' }).setChecked(hideIp);
  };
}

test('Start to video: Mayfly direct, Mayfly relayed and the raw-WebRTC floor, also at 4x CPU', async ({
  browser,
}) => {
  const out = process.env.BENCH_BROWSER_OUT;
  if (out === undefined)
    throw new Error('BENCH_BROWSER_OUT is not set: run npm run bench -- --browser');
  const trials = Number(process.env.BENCH_BROWSER_TRIALS ?? '10');
  const baselineBuild = process.env.BENCH_BASELINE_BUILD;
  const [direct, relayed, floor, baseline] = await Promise.all([
    LocalServer.start(),
    LocalServer.start(relayServerEnv()),
    startFloorServer(process.env.E2E_SERVER_HOST ?? '127.0.0.1'),
    // --baseline-build: the same product serving another web build, timed in the same run.
    baselineBuild === undefined ? undefined : LocalServer.start({ WEB_BUILD_DIR: baselineBuild }),
  ]);
  try {
    const targets: Target[] = [
      {
        kind: 'mayfly',
        url: direct.url,
        healthUrl: direct.healthUrl,
        prepare: mayflyPrepare(false),
      },
      {
        kind: 'mayfly-relayed',
        url: relayed.url,
        healthUrl: relayed.healthUrl,
        prepare: mayflyPrepare(true),
      },
      { kind: 'floor', url: floor.url, healthUrl: floor.healthUrl, prepare: async () => {} },
      {
        kind: 'mayfly-cpu4',
        url: direct.url,
        healthUrl: direct.healthUrl,
        prepare: mayflyPrepare(false),
      },
      { kind: 'floor-cpu4', url: floor.url, healthUrl: floor.healthUrl, prepare: async () => {} },
      ...(baseline === undefined
        ? []
        : (['baseline', 'baseline-cpu4'] as const).map((kind) => ({
            kind,
            url: baseline.url,
            healthUrl: baseline.healthUrl,
            prepare: mayflyPrepare(false),
          }))),
    ];
    for (const target of targets) await timeCall(browser, target); // warm-up, not counted
    const calls: CallFigures[] = [];
    for (let trial = 0; trial < trials; trial++) {
      // Each page takes each place in the order in turn, so none always follows the same
      // page's teardown.
      const order = targets.map((_, i) => targets[(i + trial) % targets.length]);
      for (const target of order)
        if (target !== undefined) calls.push(await timeCall(browser, target));
    }
    writeFileSync(out, JSON.stringify({ chromium: browser.version(), calls }));
  } finally {
    await Promise.all([floor.close(), direct.dispose(), relayed.dispose(), baseline?.dispose()]);
  }
});
