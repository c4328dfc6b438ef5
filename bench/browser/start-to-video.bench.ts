/**
 * Start-to-video, in Chromium: one stranger waits; the other presses Start;
 * how long until the newcomer sees the waiting stranger's video, and until
 * both see each other's. For Mayfly (the built product, TURN off) and for the
 * raw-WebRTC floor page, alternating, after one warm-up call each. Writes
 * every call's figures to $BENCH_BROWSER_OUT; checks only that each call
 * ends with video (a benchmark, not a test).
 */
import { writeFileSync } from 'node:fs';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { LocalServer } from '../../e2e/support/server';
import type { CallFigures, PageKind } from '../src/browser/part';
import { startFloorServer } from './floor/floor-server';

interface Target {
  readonly kind: PageKind;
  readonly url: string;
  readonly healthUrl: string;
  /** What the page needs before Start can be pressed. */
  prepare(page: Page): Promise<void>;
}

/**
 * In every page, before its own scripts: when Start is clicked and when the
 * stranger's video first shows a real picture (wider than the 2x2 placeholder
 * a broken path shows, and a frame presented), in epoch milliseconds.
 */
function watchStartToVideo(): void {
  const marks: { startAt?: number; videoAt?: number } = {};
  Object.assign(window, { benchMarks: marks });
  const now = (): number => performance.timeOrigin + performance.now();
  document.addEventListener(
    'click',
    (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      if (button?.textContent?.trim() === 'Start') marks.startAt ??= now();
    },
    true,
  );
  const poll = (): void => {
    const video = document.querySelector<HTMLVideoElement>('video[aria-label="Stranger\'s video"]');
    if (
      marks.startAt !== undefined &&
      video !== null &&
      video.videoWidth > 2 &&
      video.getVideoPlaybackQuality().totalVideoFrames > 0
    ) {
      marks.videoAt = now();
      return;
    }
    setTimeout(poll, 5);
  };
  poll();
}

async function marksOf(page: Page): Promise<{ startAt: number; videoAt: number }> {
  await page.waitForFunction(
    () => (window as unknown as { benchMarks: { videoAt?: number } }).benchMarks.videoAt,
    undefined,
    { timeout: 30_000 },
  );
  return page.evaluate(
    () => (window as unknown as { benchMarks: { startAt: number; videoAt: number } }).benchMarks,
  );
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
        await page.addInitScript(watchStartToVideo);
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
    await start(newcomer);
    const [waiterMarks, newcomerMarks] = await Promise.all([marksOf(waiter), marksOf(newcomer)]);
    return {
      page: target.kind,
      newcomerMs: newcomerMarks.videoAt - newcomerMarks.startAt,
      bothMs: Math.max(waiterMarks.videoAt, newcomerMarks.videoAt) - newcomerMarks.startAt,
    };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

test('Start to video: Mayfly and the raw-WebRTC floor', async ({ browser }) => {
  const out = process.env.BENCH_BROWSER_OUT;
  if (out === undefined)
    throw new Error('BENCH_BROWSER_OUT is not set: run npm run bench -- --browser');
  const trials = Number(process.env.BENCH_BROWSER_TRIALS ?? '5');
  const mayfly = await LocalServer.start();
  const floor = await startFloorServer(process.env.E2E_SERVER_HOST ?? '127.0.0.1');
  try {
    const targets: Target[] = [
      {
        kind: 'mayfly',
        url: mayfly.url,
        healthUrl: mayfly.healthUrl,
        prepare: (page) => page.getByRole('checkbox', { name: 'I am 18 or older' }).check(),
      },
      { kind: 'floor', url: floor.url, healthUrl: floor.healthUrl, prepare: async () => {} },
    ];
    for (const target of targets) await timeCall(browser, target); // warm-up, not counted
    const calls: CallFigures[] = [];
    for (let trial = 0; trial < trials; trial++) {
      // Alternating which goes first, so neither always follows the other's teardown.
      const order = trial % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) calls.push(await timeCall(browser, target));
    }
    writeFileSync(out, JSON.stringify({ chromium: browser.version(), calls }));
  } finally {
    await floor.close();
    await mayfly.dispose();
  }
});
