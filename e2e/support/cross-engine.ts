/**
 * Scenarios whose strangers use different browser engines. `test` adds
 * `openStrangerIn(engine, options)` to the suite's fixtures (same server per worker, same
 * runner and namespace, same reports); each stranger is a `CrossEngineStranger`, the QA
 * contract (roles and accessible names, docs/testing.md) written once over StrangerDriver, so
 * that it serves Chromium (Playwright) and Firefox (puppeteer-core) alike.
 *
 *   for (const pair of ENGINE_PAIRS) {
 *     test(`${pair.name}: ...`, async ({ openStrangerIn }) => {
 *       const a = await openStrangerIn(pair.first);
 *       const b = await openStrangerIn(pair.second);
 *       await meet(a, b);
 *       await expectSeesCamera(b, a);
 *     });
 *   }
 */
import type { Browser as PlaywrightBrowser, TestInfo } from '@playwright/test';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { ENGINE_PAIRS, pairSkipReason, type Engine, type EnginePair } from './engines';
import type { CameraColour } from './fake-camera';
import { launchFirefox, openFirefoxPage } from './firefox';
import { AUTO_COLOURS, expect, meet, test as base, type StrangerState } from './fixtures';
import {
  objectUrlBytes,
  pictureShownBy,
  recordObjectUrls,
  type ReceivedPicture,
  type TestPicture,
} from './images';
import {
  averageVideoColour,
  candidateReport,
  colourDistance,
  nearestCameraColour,
  presentedFrameCount,
  receivedCandidates,
  receivedCandidateTypes,
  recordPeerConnections,
  webrtcStats,
} from './media';
import { PlaywrightDriver, type ContractElement, type StrangerDriver } from './stranger-driver';
import type { Target } from './target';

export { expect, meet } from './fixtures';

/**
 * What a stranger films: a Chromium stranger the solid colour of its Y4M clip; a Firefox
 * stranger Firefox's fake camera, one colour changing over time (the same in every Firefox).
 */
export type Camera = CameraColour | 'changing colour';

/** Run before any script of every document a stranger's page loads, in every engine. */
const INIT_SCRIPTS = [recordPeerConnections, recordObjectUrls];

const STRANGERS_VIDEO: ContractElement = { label: "Stranger's video" };

/**
 * `expect.poll` that looks again every quarter second at most (Playwright's default slows to
 * one look a second): a test waits for many things one after the other, and Firefox's
 * automation, a round trip over WebDriver BiDi per look, is slow enough without the extra wait.
 */
function poll<T>(read: () => Promise<T>, options: { message: string; timeout?: number }) {
  return expect.poll(read, { intervals: [100, 250], ...options });
}

/** A stranger in any engine, known only through the QA contract. */
export class CrossEngineStranger {
  constructor(
    readonly label: string,
    /** Their page, in whichever engine. */
    readonly page: StrangerDriver,
    readonly camera: Camera,
    /** Where files they pick are written first (WebDriver BiDi uploads paths). */
    private readonly scratchDir: string,
  ) {}

  get engine(): Engine {
    return this.page.engine;
  }

  /** `A (firefox)`, for failure messages. */
  get name(): string {
    return `${this.label} (${this.engine})`;
  }

  /** What the page's single role=status region says. */
  status(): Promise<string> {
    return this.page.textOf({ role: 'status' });
  }

  async waitForState(state: StrangerState, options: { timeout?: number } = {}): Promise<void> {
    const status = poll(() => this.status(), {
      message: `${this.name}: status shows "${String(state)}"`,
      ...options,
    });
    await (typeof state === 'string' ? status.toContain(state) : status.toMatch(state));
  }

  /** Confirms the age question and presses Start. */
  async start(): Promise<void> {
    await this.page.setChecked({ role: 'checkbox', name: 'I am 18 or older' }, true);
    await this.page.click({ role: 'button', name: 'Start' });
  }

  async next(): Promise<void> {
    await this.page.click({ role: 'button', name: 'Next' });
  }

  async stop(): Promise<void> {
    await this.page.click({ role: 'button', name: 'Stop' });
  }

  /** Reports the stranger with the reason labelled `reason` in the dialog, and leaves. */
  async report(reason: string): Promise<void> {
    const dialog = { role: 'dialog', name: 'Report this stranger' } as const;
    // Report is in the chat room's sheet, opened as a person would.
    await this.page.click({ role: 'button', name: 'Safety and settings' });
    await this.page.click({ role: 'button', name: 'Report' });
    await poll(() => this.page.isVisible(dialog), { message: 'the dialog opens' }).toBe(true);
    await this.page.setChecked({ role: 'radio', name: reason }, true);
    await this.page.click({ role: 'button', name: 'Report and leave' });
    await poll(() => this.page.isVisible(dialog), { message: 'the dialog closes' }).toBe(false);
  }

  async sendMessage(text: string): Promise<void> {
    await this.page.fill({ role: 'textbox', name: 'Message' }, text);
    await this.page.click({ role: 'button', name: 'Send' });
  }

  async expectChatShows(text: string): Promise<void> {
    await poll(() => this.page.textOf({ role: 'log' }), {
      message: `${this.name}'s chat log`,
    }).toContain(text);
  }

  /** The safety code, once the page shows one, read from the sheet (opened and closed again). */
  async safetyCode(): Promise<string> {
    const code = { label: 'Safety code' } as const;
    await this.page.click({ role: 'button', name: 'Safety and settings' });
    await poll(() => this.page.textOf(code), { message: `${this.name}'s safety code` }).toMatch(
      /\S/u,
    );
    const text = (await this.page.textOf(code)).trim();
    await this.page.click({ role: 'button', name: 'Close' });
    return text;
  }

  /** Sends `picture` and waits until their own page shows it sent. */
  async sendPicture(picture: TestPicture): Promise<void> {
    await this.page.chooseFile({ label: 'Send image' }, picture, this.scratchDir);
    await poll(() => this.page.isVisible({ role: 'img', name: 'Image you sent' }), {
      message: `${this.name} shows the picture sent`,
    }).toBe(true);
  }

  /** The picture received from the stranger, as the page shows it, and its bytes. */
  async receivedPicture(): Promise<ReceivedPicture> {
    const shown = await this.page.evaluateOn(
      { role: 'img', name: 'Image from stranger' },
      pictureShownBy,
      undefined,
    );
    return { ...shown, bytes: await objectUrlBytes(this.page, shown.url) };
  }
}

/**
 * `receiver` sees `sender`'s camera, checked as the Chromium scenarios check it: a real
 * picture (videoWidth > 2, where a broken path still shows 2x2), new frames on screen, and the
 * sender's picture: a Chromium stranger's colour, or, for Firefox's fake camera, whose colour
 * changes over time, a picture that changes.
 */
export async function expectSeesCamera(
  receiver: CrossEngineStranger,
  sender: CrossEngineStranger,
): Promise<void> {
  const { page } = receiver;
  await poll(
    () => page.evaluateOn(STRANGERS_VIDEO, (video) => (video as HTMLVideoElement).videoWidth, 0),
    { message: `${receiver.name} sees a real picture (videoWidth > 2)` },
  ).toBeGreaterThan(2);
  const framesBefore = await presentedFrameCount(page);
  await poll(() => presentedFrameCount(page), {
    message: `${receiver.name}'s video keeps getting frames`,
  }).toBeGreaterThan(framesBefore + 5);
  const colour = () => page.evaluateOn(STRANGERS_VIDEO, averageVideoColour, undefined);
  if (sender.camera === 'changing colour') {
    const first = await colour();
    await poll(async () => colourDistance(first, await colour()), {
      message: `${receiver.name} sees ${sender.name}'s fake camera change colour`,
    }).toBeGreaterThan(10);
  } else {
    await poll(async () => nearestCameraColour(await colour()), {
      message: `${receiver.name} sees ${sender.name}'s ${sender.camera} camera`,
    }).toBe(sender.camera);
  }
}

/** `first` waits, `second` joins, and each sees the other's camera. */
export async function meetAndSeeEachOther(
  first: CrossEngineStranger,
  second: CrossEngineStranger,
): Promise<void> {
  await meet(first, second);
  await expectSeesCamera(first, second);
  await expectSeesCamera(second, first);
}

/** The part of a Playwright `test` that `forEachEnginePair` uses. */
interface Describing {
  describe(title: string, body: () => void): void;
  skip(condition: boolean, description?: string): void;
}

/**
 * Declares `body`'s tests once for each pair of engines E2E_BROWSERS asks for, in a block
 * named after the pair (and `suffix`), skipped where Firefox is missing and nobody asked for it.
 */
export function forEachEnginePair(
  tests: Describing,
  body: (pair: EnginePair) => void,
  suffix = '',
): void {
  for (const pair of ENGINE_PAIRS) {
    tests.describe(`${pair.name}${suffix}`, () => {
      const skipReason = pairSkipReason(pair);
      tests.skip(skipReason !== undefined, skipReason);
      body(pair);
    });
  }
}

export interface CrossEngineStrangerOptions {
  /** @default 'A', 'B', ... */
  label?: string;
  nickname?: string;
  /** Sets "Hide my IP address"; by default it stays as the server's default left it. */
  hideIp?: boolean;
  /** A Chromium stranger's camera colour. @default the next of red, blue, green, yellow */
  colour?: CameraColour;
}

/** What a failing test keeps of a stranger: their screen, console and WebRTC stats. */
async function attachDiagnostics(stranger: CrossEngineStranger, testInfo: TestInfo) {
  const name = `stranger ${stranger.name}`;
  // Playwright screenshots its own pages by itself (`screenshot: 'only-on-failure'`).
  if (stranger.engine !== 'chromium') {
    const body = await stranger.page.screenshot().catch(() => undefined);
    if (body !== undefined) {
      await testInfo.attach(`${name} screenshot`, { body, contentType: 'image/png' });
    }
  }
  if (stranger.page.consoleLines.length > 0) {
    await testInfo.attach(`${name} console`, {
      body: stranger.page.consoleLines.join('\n'),
      contentType: 'text/plain',
    });
  }
  const stats = await webrtcStats(stranger.page).catch(() => []);
  if (stats.length > 0) {
    await testInfo.attach(`${name} webrtc stats`, {
      body: JSON.stringify(stats, null, 2),
      contentType: 'application/json',
    });
  }
}

interface CrossEngineFixtures {
  /** Opens the app as one more stranger in `engine`, ready to press Start. */
  openStrangerIn: (
    engine: Engine,
    options?: CrossEngineStrangerOptions,
  ) => Promise<CrossEngineStranger>;
}

interface CrossEngineWorkerFixtures {
  /** The worker's Firefox, when E2E_BROWSERS pairs Firefox with anything. */
  firefox: PuppeteerBrowser | undefined;
}

const PAIRS_WITH_FIREFOX = ENGINE_PAIRS.some(
  (pair) => pair.first === 'firefox' || pair.second === 'firefox',
);

export const test = base.extend<CrossEngineFixtures, CrossEngineWorkerFixtures>({
  firefox: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads dependencies from this pattern
    async ({}, use) => {
      const browser = PAIRS_WITH_FIREFOX ? await launchFirefox() : undefined;
      await use(browser);
      await browser?.close();
    },
    // Started with the worker, under a timeout of its own: a busy machine takes up to 30 s.
    { scope: 'worker', timeout: 60_000 },
  ],

  openStrangerIn: async ({ target, browserPool, firefox }, use, testInfo) => {
    const opened: CrossEngineStranger[] = [];
    const browsers: StrangerBrowsers = {
      firefox: () => {
        if (firefox === undefined) throw new Error('E2E_BROWSERS pairs Firefox with nothing');
        return Promise.resolve(firefox);
      },
      chromium: (colour) => browserPool.get({ colour }),
    };

    await use(async (engine, options = {}) => {
      const label = options.label ?? String.fromCharCode(65 + opened.length);
      const colour = options.colour ?? AUTO_COLOURS[opened.length % AUTO_COLOURS.length];
      const { page, camera } = await openPageIn(engine, browsers, colour);
      const stranger = new CrossEngineStranger(label, page, camera, testInfo.outputPath());
      opened.push(stranger);
      await openApp(stranger, target.url, options);
      return stranger;
    });

    await closeStrangers(opened, testInfo, target);
  },
});

/** Where a new stranger's browser comes from, in each engine. */
export interface StrangerBrowsers {
  firefox(): Promise<PuppeteerBrowser>;
  /** A Chromium whose fake camera films `colour`. */
  chromium(colour: CameraColour): Promise<PlaywrightBrowser>;
}

/** A new stranger's page in `engine` (init scripts installed), and what it films. */
export async function openPageIn(
  engine: Engine,
  browsers: StrangerBrowsers,
  colour: CameraColour = 'grey',
): Promise<{ page: StrangerDriver; camera: Camera }> {
  if (engine === 'firefox') {
    return {
      page: await openFirefoxPage(await browsers.firefox(), INIT_SCRIPTS),
      camera: 'changing colour',
    };
  }
  const context = await (await browsers.chromium(colour)).newContext();
  for (const script of INIT_SCRIPTS) await context.addInitScript(script);
  return { page: new PlaywrightDriver(await context.newPage()), camera: colour };
}

/** Opens the app at `url` in `stranger`'s page and fills the start form as `options` say. */
export async function openApp(
  stranger: CrossEngineStranger,
  url: string,
  options: Pick<CrossEngineStrangerOptions, 'nickname' | 'hideIp'>,
): Promise<void> {
  const { page } = stranger;
  await page.goto(url);
  // The form works once the app has started and the server greeted it.
  await stranger.waitForState('Press Start');
  if (options.nickname !== undefined) {
    await page.fill({ role: 'textbox', name: 'Nickname' }, options.nickname);
  }
  if (options.hideIp !== undefined) {
    await page.setChecked({ role: 'checkbox', name: 'Hide my IP address' }, options.hideIp);
  }
}

/**
 * After a test: a failed test's diagnostics of every stranger (all before any page closes: a
 * closed page ends the other's call), every page closed, then `afterClose`, then the server's
 * output for a failed test.
 */
export async function closeStrangers(
  opened: readonly CrossEngineStranger[],
  testInfo: TestInfo,
  target: Pick<Target, 'log'>,
  afterClose: () => Promise<void> = async () => {},
): Promise<void> {
  const failed = testInfo.status !== testInfo.expectedStatus;
  if (failed) for (const stranger of opened) await attachDiagnostics(stranger, testInfo);
  for (const stranger of opened) await stranger.page.close();
  await afterClose();
  if (failed && target.log !== '') {
    await testInfo.attach('server output', { body: target.log, contentType: 'text/plain' });
  }
}

/** A TURN server the test runs: the URL the product hands out, and the address it relays from. */
export interface KnownRelay {
  readonly url: string;
  readonly address: string;
}

/** `stranger`'s media goes through a relay candidate, from `relay` when it is given. */
async function expectRelayed(stranger: CrossEngineStranger, relay: KnownRelay | undefined) {
  const report = await candidateReport(stranger.page);
  expect(report.selected?.local, `${stranger.name}: the selected local candidate`).toBe('relay');
  if (relay === undefined) return;
  if (stranger.engine === 'firefox') {
    // Firefox's candidate stats name no server URL: the relay address must be this server's.
    const [address] = (report.selectedAddresses?.local ?? '').split(':');
    expect(address, `${stranger.name}: relayed from`).toBe(relay.address);
  } else {
    expect(report.selectedServerUrl, `${stranger.name}: relayed by`).toBe(relay.url);
  }
}

/**
 * `viewer` learnt no address of `hider`'s but relay ones: every candidate line `hider` gave is
 * a relay one, and every candidate of `hider`'s in `viewer`'s stats, the selected one too, is
 * at one of those addresses. (Firefox types a candidate `prflx` when a connectivity check from
 * it arrives before its candidate line does; its address is what matters.)
 */
async function expectOnlyRelayAddressesOf(
  hider: CrossEngineStranger,
  viewer: CrossEngineStranger,
): Promise<void> {
  const what = `${viewer.name}: candidates of ${hider.name}`;
  const given = await receivedCandidates(viewer.page);
  expect(given.length, `${what} given`).toBeGreaterThan(0);
  expect(new Set(given.map((candidate) => candidate.type)), `${what} given`).toEqual(
    new Set(['relay']),
  );
  const relayAddresses = new Set(given.map((candidate) => candidate.address));
  const seen = await candidateReport(viewer.page);
  expect(
    seen.remoteAddresses.filter((address) => !relayAddresses.has(address)),
    `${what} in its stats, not at a relay address`,
  ).toEqual([]);
  expect(relayAddresses, `${what}: the selected one is a relay address`).toContain(
    seen.selectedAddresses?.remote,
  );
}

/**
 * Both hid their IP address: each sees the other, the media goes relay to relay (through
 * `relay`, when given), and neither learnt an address of the other's but relay ones.
 */
export async function expectRelayToRelayCall(
  a: CrossEngineStranger,
  b: CrossEngineStranger,
  relay?: KnownRelay,
): Promise<void> {
  await meetAndSeeEachOther(a, b);
  await expectRelayed(a, relay);
  await expectRelayed(b, relay);
  await expectOnlyRelayAddressesOf(a, b);
  await expectOnlyRelayAddressesOf(b, a);
}

/**
 * Only `hider` hid their IP address: each sees the other, `hider`'s media goes through the
 * relay (`relay`, when given), `other` learnt no address of `hider`'s but relay ones, while
 * `hider` learnt `other`'s host address, which `other` did not ask to hide.
 */
export async function expectOneSidedRelayCall(
  hider: CrossEngineStranger,
  other: CrossEngineStranger,
  relay?: KnownRelay,
): Promise<void> {
  await meetAndSeeEachOther(hider, other);
  await expectRelayed(hider, relay);
  await expectOnlyRelayAddressesOf(hider, other);
  expect(await receivedCandidateTypes(hider.page), `${hider.name}: candidates given`).toContain(
    'host',
  );
}
