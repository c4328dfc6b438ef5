/**
 * Hostile networks (issue #20 part 3), built from namespaces by the network lab
 * (support/network-lab.ts): strangers behind symmetric NATs, behind a network that lets no UDP
 * out, and on a lossy, slow link. The product's server and its embedded TURN sit on the lab's
 * public network, as on the internet; nobody ticks "Hide my IP address".
 */
import { meetAndSeeEachOther } from '../support/cross-engine';
import { expect, skipWithoutLab, test, type LabStranger } from '../support/lab-test';
import { candidateReport, presentedFrameCount } from '../support/media';
import { PUBLIC_SERVER_ADDRESS } from '../support/network-lab';

skipWithoutLab();

test.use({
  labSites: {
    symmetric1: { nat: 'symmetric' },
    symmetric2: { nat: 'symmetric' },
    noUdp: { nat: 'cone', blockUdp: true },
    lossy: { nat: 'cone', impairment: { lossPercent: 5, delayMs: 150 } },
    home: { nat: 'cone' },
  },
});

/**
 * Each stranger's video keeps moving for `durationMs`: at least 5 new frames within every 5 s
 * (a frozen call gets none; on this link a picture stalls for a second or so now and then).
 */
async function expectFramesKeepComing(
  strangers: readonly LabStranger[],
  durationMs: number,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < durationMs) {
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    await Promise.all(
      strangers.map(async (stranger) => {
        const before = await presentedFrameCount(stranger.page);
        await expect
          .poll(() => presentedFrameCount(stranger.page), {
            message: `${stranger.name}: 5 new frames within 5 s, ${elapsed} s into the check`,
            timeout: 5_000,
            intervals: [250],
          })
          .toBeGreaterThanOrEqual(before + 5);
      }),
    );
  }
}

/** The relay's addresses are the server's: `10.200.0.1:<port>`. */
const atRelay = (address: string | undefined): boolean =>
  address?.startsWith(`${PUBLIC_SERVER_ADDRESS}:`) === true;

/**
 * The media of the call goes through the embedded TURN: each side's selected pair has the relay
 * at one end (its own relay candidate, or the other's), and the badge says Relayed.
 */
async function expectRelayedCall(a: LabStranger, b: LabStranger): Promise<void> {
  for (const stranger of [a, b]) {
    await expect.poll(() => stranger.routeBadge(), { message: stranger.name }).toBe('Relayed');
    const report = await candidateReport(stranger.page);
    const { local, remote } = report.selectedAddresses ?? {};
    expect(
      report.selected?.local === 'relay' ? atRelay(local) : atRelay(remote),
      `${stranger.name}: the selected pair ${JSON.stringify(report.selectedAddresses)} goes through the relay at ${PUBLIC_SERVER_ADDRESS}`,
    ).toBe(true);
  }
}

test('two strangers behind symmetric NATs meet through the relay without hiding their IP', async ({
  openStrangerAt,
}) => {
  const a = await openStrangerAt('symmetric1', 'chromium', { hideIp: false });
  const b = await openStrangerAt('symmetric2', 'chromium', { hideIp: false });
  await meetAndSeeEachOther(a, b);
  await expectRelayedCall(a, b);
  // No NAT lets the other in, so at least one side sends from its own relay candidate.
  const locals = await Promise.all(
    [a, b].map(async (s) => (await candidateReport(s.page)).selected?.local),
  );
  expect(locals, 'the selected local candidates of A and B').toContain('relay');
});

test('a Firefox stranger on a network that blocks UDP meets through TURN over TCP', async ({
  openStrangerAt,
}) => {
  const a = await openStrangerAt('home', 'chromium', { hideIp: false });
  const b = await openStrangerAt('noUdp', 'firefox', { hideIp: false });
  await meetAndSeeEachOther(a, b);
  await expectRelayedCall(a, b);
  // Nothing but TCP leaves B's network: its media must leave from its relay, over TCP.
  const report = await candidateReport(b.page);
  expect(report.selected?.local, `${b.name}: the selected local candidate`).toBe('relay');
  expect(report.selectedRelayProtocol, `${b.name}: how it reaches the relay`).toBe('tcp');
});

test('on a link losing 5 % of packets with 150 ms delay, a Chromium and a Firefox stranger meet and keep their video', async ({
  openStrangerAt,
}) => {
  const a = await openStrangerAt('lossy', 'chromium', { hideIp: false });
  const b = await openStrangerAt('home', 'firefox', { hideIp: false });
  await meetAndSeeEachOther(a, b);
  // For ten seconds more the pictures keep moving on both sides, in spite of the losses.
  await expectFramesKeepComing([a, b], 10_000);
});
