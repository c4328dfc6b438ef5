/**
 * A call survives a network break (issue #24), in the network lab (support/network-lab.ts): one
 * stranger's network goes (their interface down, and a Chromium page told it is offline; or
 * their router's uplink silent) and comes back, the same or with a new address (reaching the
 * server later than the rest). Within the reconnection window the same two strangers are back on
 * the same call: same nickname, same safety code, video flowing again, and each saw
 * "Reconnecting…" meanwhile. A network gone for longer than the window ends the chat on both
 * sides, and both can go on.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { expectSeesCamera, meetAndSeeEachOther } from '../support/cross-engine';
import { expect, skipWithoutLab, test, type LabStranger } from '../support/lab-test';

skipWithoutLab();

test.use({
  labSites: { home: { nat: 'cone' }, cafe: { nat: 'cone' } },
  serverEnv: {
    // The server notices a dropped connection within 5 s, and holds the chat 12 s more: a window
    // (12 s + the client's 5 s margin) long enough for a 5 s break followed by 2 s without the
    // server (and the lab's commands, slow on a loaded machine), short enough to outlast.
    PING_INTERVAL_MS: '2000',
    PING_TIMEOUT_MS: '3000',
    RESUME_GRACE_SECONDS: '12',
  },
});

const RECONNECTING = 'The connection to the stranger broke. Reconnecting…' as const;
/** How long the network is gone in the short break. */
const BREAK_MS = 5_000;
/** The page shows the break within about 2.5 s (heartbeat silence): well inside the break. */
const SHOWS_BREAK_WITHIN_MS = BREAK_MS;
/** How long the server stays out of reach after the rest of the network is back. */
const SERVER_LATE_MS = 2_000;
/** ICE restart and signaling resume after the network is back, on a busy 2-core machine. */
const BACK_WITHIN_MS = 30_000;

/** How a stranger's network goes away and comes back. */
type Outage = (cut: LabStranger, online: boolean) => Promise<void>;

/** Their interface goes down (Wi-Fi drops), and a Chromium page is told it is offline. */
const interfaceDown: Outage = (cut, online) => cut.setOnline(online);
/** Their router's uplink goes silent; their own interface stays up. */
const uplinkSilent: Outage = (cut, online) => cut.site.setUplink(online);
/** Their interface goes down, and comes back with another address (a new network). */
const newAddress: Outage = async (cut, online) => {
  if (online) await cut.site.renumberBrowser();
  await cut.setOnline(online);
};
/**
 * As `newAddress`, but the new network reaches the server only SERVER_LATE_MS after the rest: the
 * ICE restart made when the browser comes back online cannot reach the stranger.
 */
const newAddressServerLate: Outage = async (cut, online) => {
  if (!online) return newAddress(cut, false);
  await cut.site.setServerReachable(false);
  await newAddress(cut, true);
  await delay(SERVER_LATE_MS);
  await cut.site.setServerReachable(true);
};

/**
 * `cut` loses its network (`outage`) for BREAK_MS while on a call with `partner`; both must get
 * the same call back. `cut` waits first, which makes it the side that offers (and restarts ICE),
 * unless `cutAnswers`.
 */
async function expectCallSurvivesBreak(
  cut: LabStranger,
  partner: LabStranger,
  outage: Outage,
  { cutAnswers = false } = {},
): Promise<void> {
  if (cutAnswers) await meetAndSeeEachOther(partner, cut);
  else await meetAndSeeEachOther(cut, partner);
  const codes = [await cut.safetyCode(), await partner.safetyCode()];
  expect(codes[0], 'both see the same safety code').toBe(codes[1]);

  const wentAt = Date.now();
  await outage(cut, false);
  await partner.waitForState(RECONNECTING, { timeout: SHOWS_BREAK_WITHIN_MS });
  await cut.waitForState(RECONNECTING, { timeout: SHOWS_BREAK_WITHIN_MS });
  // The break itself: the network stays away for BREAK_MS in all (not an assertion on time).
  await delay(Math.max(0, wentAt + BREAK_MS - Date.now()));
  await outage(cut, true);

  for (const [stranger, other] of [
    [cut, partner],
    [partner, cut],
  ] as const) {
    // The same stranger: their nickname, and the same safety code as before the break.
    await stranger.waitForState(new RegExp(`Connected to ${other.label}\\.`, 'u'), {
      timeout: BACK_WITHIN_MS,
    });
    expect(await stranger.safetyCode(), `${stranger.name}: safety code after the break`).toBe(
      codes[0],
    );
    await expectSeesCamera(stranger, other);
  }
  await cut.sendMessage('back again');
  await partner.expectChatShows('back again');
}

test('chromium x firefox: a Chromium stranger’s interface goes down for 5 s and the call comes back', async ({
  openStrangerAt,
}) => {
  const a = await openStrangerAt('home', 'chromium', { label: 'Ada', nickname: 'Ada' });
  const b = await openStrangerAt('cafe', 'firefox', { label: 'Bo', nickname: 'Bo' });
  await expectCallSurvivesBreak(a, b, interfaceDown);
});

test('firefox x chromium: a Firefox stranger’s router loses its uplink for 5 s and the call comes back', async ({
  openStrangerAt,
}) => {
  const a = await openStrangerAt('home', 'firefox', { label: 'Ada', nickname: 'Ada' });
  const b = await openStrangerAt('cafe', 'chromium', { label: 'Bo', nickname: 'Bo' });
  await expectCallSurvivesBreak(a, b, uplinkSilent);
});

// Firefox fails its DTLS transport for good within 0.2 s of its own interface going down: the
// peer connection is rebuilt on both sides (same certificates: the same safety code).
test.describe('a Firefox stranger’s interface goes down', () => {
  for (const cutAnswers of [false, true]) {
    test(`firefox x chromium: the ${cutAnswers ? 'answering' : 'offering'} Firefox stranger’s interface goes down for 5 s and the call comes back on a rebuilt connection`, async ({
      openStrangerAt,
    }) => {
      const a = await openStrangerAt('home', 'firefox', { label: 'Ada', nickname: 'Ada' });
      const b = await openStrangerAt('cafe', 'chromium', { label: 'Bo', nickname: 'Bo' });
      await expectCallSurvivesBreak(a, b, interfaceDown, { cutAnswers });
    });
  }
});

// A new address, and the server out of reach for a while longer: the restart offer made at once
// is lost (by our dropped connection to the server, or by the stranger's), and is made again.
test.describe('a new network', () => {
  for (const cutAnswers of [false, true]) {
    test(`chromium x chromium: the ${cutAnswers ? 'answering' : 'offering'} stranger comes back from a 5 s break with a new address, reaching the server 2 s later, and the call comes back`, async ({
      openStrangerAt,
    }) => {
      const a = await openStrangerAt('home', 'chromium', { label: 'Ada', nickname: 'Ada' });
      const b = await openStrangerAt('cafe', 'chromium', { label: 'Bo', nickname: 'Bo' });
      await expectCallSurvivesBreak(a, b, newAddressServerLate, { cutAnswers });
    });
  }
});

test('chromium x chromium: a network gone for longer than the window ends the chat on both sides, and both go on', async ({
  openStrangerAt,
}) => {
  // Two calls and an outage that outlasts the 17 s window on purpose: at a load average of 48 on
  // two cores the default 60 s ran out while the second call was being set up.
  test.setTimeout(120_000);
  const a = await openStrangerAt('home', 'chromium', { label: 'Ada', nickname: 'Ada' });
  const b = await openStrangerAt('cafe', 'chromium', { label: 'Bo', nickname: 'Bo' });
  await meetAndSeeEachOther(a, b);

  await a.setOnline(false);
  await b.waitForState(RECONNECTING, { timeout: SHOWS_BREAK_WITHIN_MS });
  // The network stays away until both pages have given the chat up: longer than the window.
  await b.waitForState('Stranger left', { timeout: BACK_WITHIN_MS });
  await a.waitForState('Stranger left', { timeout: BACK_WITHIN_MS });
  await a.setOnline(true);

  // Nothing hangs: the chat stays over for both once A is back, and both can meet again.
  await b.next();
  await b.waitForState('Looking for a stranger');
  await a.next();
  for (const stranger of [a, b])
    await stranger.waitForState('Connected', { timeout: BACK_WITHIN_MS });
  await expectSeesCamera(a, b);
  await expectSeesCamera(b, a);
});
