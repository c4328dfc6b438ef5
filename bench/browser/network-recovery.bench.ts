/**
 * Recovery after a network break (`npm run bench -- --recovery`), in the network lab
 * (e2e/support/network-lab.ts): two strangers on a call, each behind their own NAT router; one
 * stranger's network goes for 5 s (their interface down, and the Chromium page told it is
 * offline), then comes back. Measured: from the moment the network is back until both strangers'
 * videos move again (the third new frame on each side after that moment, recorded by the pages
 * themselves with the wall clock the test uses too). The same break, trial after trial on one
 * call, for four calls one after the other: Chromium x Chromium direct, the same relayed (both
 * hide their IP address), a Chromium stranger cut with a Firefox partner, direct, and a Firefox
 * stranger cut with a Chromium partner, direct (Firefox's DTLS fails for good when its interface
 * goes down: each break is repaired by rebuilding the peer connection). The product as
 * deployed: default resume grace and ping settings. Writes every trial into the folder $BENCH_RECOVERY_OUT (a file per call);
 * checks only that each trial ends with video (a benchmark, not a test).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { meetAndSeeEachOther } from '../../e2e/support/cross-engine';
import type { Engine } from '../../e2e/support/engines';
import { expect, skipWithoutLab, test, type LabStranger } from '../../e2e/support/lab-test';
import { runInPage } from '../../e2e/support/media';
import type { RecoveryTrial, RecoveryVariant } from '../src/browser/recovery-part';

skipWithoutLab();

test.use({ labSites: { home: { nat: 'cone' }, cafe: { nat: 'cone' } } });

const BREAK_MS = 5_000;
/** New frames on a side that count as its video flowing again. */
const FRAMES = 3;
/** Video flows this long after a recovery before the next break. */
const SETTLE_MS = 3_000;

/** Records the wall-clock time of every frame the stranger's video presents. */
function recordFrameTimes(): void {
  const video = document.querySelector<HTMLVideoElement>('video[aria-label="Stranger\'s video"]');
  if (video === null) throw new Error("no video labelled Stranger's video");
  const store = window as unknown as { __benchFrameTimes?: number[] };
  if (store.__benchFrameTimes !== undefined) return;
  const times: number[] = [];
  store.__benchFrameTimes = times;
  const onFrame = (): void => {
    times.push(Date.now());
    if (times.length > 2000) times.splice(0, 1000);
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

/** When the `FRAMES`th frame after `since` was presented, or undefined before there is one. */
async function flowingAgainAt(stranger: LabStranger, since: number): Promise<number | undefined> {
  const times = await runInPage(stranger.page, () => {
    return (window as unknown as { __benchFrameTimes?: number[] }).__benchFrameTimes ?? [];
  });
  return times.filter((at) => at > since)[FRAMES - 1];
}

interface VariantPlan {
  readonly variant: RecoveryVariant;
  readonly cut: Engine;
  readonly partner: Engine;
  readonly hideIp: boolean;
}

const VARIANTS: readonly VariantPlan[] = [
  { variant: 'chromium-direct', cut: 'chromium', partner: 'chromium', hideIp: false },
  { variant: 'chromium-relayed', cut: 'chromium', partner: 'chromium', hideIp: true },
  { variant: 'firefox-partner-direct', cut: 'chromium', partner: 'firefox', hideIp: false },
  { variant: 'firefox-cut-direct', cut: 'firefox', partner: 'chromium', hideIp: false },
];

for (const plan of VARIANTS) {
  test(`${plan.variant}: time from the network coming back to video flowing again`, async ({
    openStrangerAt,
  }) => {
    const out = process.env.BENCH_RECOVERY_OUT;
    if (out === undefined) {
      throw new Error('BENCH_RECOVERY_OUT is not set: npm run bench -- --recovery');
    }
    const trials = Number(process.env.BENCH_RECOVERY_TRIALS ?? '10');
    test.setTimeout(90_000 + trials * 40_000);
    const cut = await openStrangerAt('home', plan.cut, { hideIp: plan.hideIp });
    const partner = await openStrangerAt('cafe', plan.partner, { hideIp: plan.hideIp });
    await meetAndSeeEachOther(cut, partner);
    for (const stranger of [cut, partner]) await runInPage(stranger.page, recordFrameTimes);
    const results: RecoveryTrial[] = [];
    for (let trial = 0; trial < trials; trial++) {
      await delay(SETTLE_MS);
      await cut.setOnline(false);
      await delay(BREAK_MS);
      await cut.setOnline(true);
      const backAt = Date.now();
      const [cutMs = NaN, partnerMs = NaN] = await Promise.all(
        [cut, partner].map(async (stranger) => {
          let at: number | undefined;
          await expect
            .poll(
              async () => {
                at = await flowingAgainAt(stranger, backAt);
                return at !== undefined;
              },
              {
                message: `${stranger.name}: video again, trial ${trial + 1}`,
                timeout: 30_000,
                intervals: [100],
              },
            )
            .toBe(true);
          return (at ?? backAt) - backAt;
        }),
      );
      const bothMs = Math.max(cutMs, partnerMs);
      results.push({ variant: plan.variant, trial, cutMs, partnerMs, bothMs });
      console.log(`${plan.variant} trial ${trial + 1}: ${bothMs} ms`);
    }
    writeFileSync(path.join(out, `${plan.variant}.json`), JSON.stringify(results));
  });
}
