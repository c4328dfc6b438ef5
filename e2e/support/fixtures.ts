/**
 * The test API: `test` and `expect` with a server per worker and
 * `openStranger`, which opens the app as one more person in their own browser
 * context, with their own fake camera.
 *
 *   const a = await openStranger({ nickname: 'Ada', colour: 'red' });
 *   await a.start();
 */
import {
  chromium,
  expect,
  test as base,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
  type Response,
} from '@playwright/test';
import { chromiumLaunchOptions, type BrowserOptions } from './chromium';
import type { CameraColour } from './fake-camera';
import { recordPeerConnections, webrtcStats } from './media';
import { localTarget, remoteTarget, type Target } from './target';

export { expect };

export interface StrangerOptions {
  /** How the test and its failure report call this person. @default 'A', 'B', ... */
  label?: string;
  nickname?: string;
  interests?: readonly string[];
  /** Their fake camera's colour. @default a colour no other stranger in the test has */
  colour?: CameraColour;
  /** They block camera and microphone. @default false */
  cameraDenied?: boolean;
  /** Several cameras (as front and back), filming a pattern rather than `colour`. @default 1 */
  cameras?: number;
  /**
   * The languages they tick, by name as the page shows them ("Spanish"); by default the page's
   * choice stands: the page's language if the browser lists it, else the browser's first
   * language (the context's `locale`).
   */
  languages?: readonly string[];
  /** Ticks "Only people who speak my language". @default false */
  languagesOnly?: boolean;
  /** Sets "Hide my IP address"; by default it stays as the server's default left it. */
  hideIp?: boolean;
  /** Anything else for the browser context, e.g. a viewport or `devices['Pixel 7']`. */
  context?: BrowserContextOptions;
  /**
   * The page they open. @default '/' (its language follows the context's `locale`; the suite
   * finds controls by their English names, so a stranger with another `locale` opens `/en`).
   */
  path?: string;
}

/** The states the status region announces (QA contract). */
export type StrangerState =
  | 'Press Start'
  | 'Looking for a stranger'
  | 'Connected'
  | 'The connection to the stranger broke. Reconnecting…'
  | 'Stranger left'
  | RegExp;

/** Waits until the page's single role=status region says `state`. */
export async function waitForState(
  page: Page,
  state: StrangerState,
  options: { timeout?: number } = {},
): Promise<void> {
  await expect(page.getByRole('status'), `status shows "${String(state)}"`).toContainText(
    state,
    options,
  );
}

export class Stranger {
  /** Responses for blob: URLs (received pictures), whose bytes scripts may not fetch. */
  readonly #blobLoads = new Map<string, Response>();
  /** Every URL the page requested, WebSockets included, from the first navigation on. */
  readonly requestedUrls: string[] = [];
  /** The page's console messages and uncaught errors. */
  readonly consoleLines: string[] = [];

  constructor(
    readonly label: string,
    readonly page: Page,
    readonly colour: CameraColour,
    readonly options: StrangerOptions,
  ) {
    page.on('request', (request) => this.requestedUrls.push(request.url()));
    page.on('websocket', (socket) => this.requestedUrls.push(socket.url()));
    page.on('response', (response) => {
      if (response.url().startsWith('blob:')) this.#blobLoads.set(response.url(), response);
    });
    page.on('console', (message) =>
      this.consoleLines.push(`[${message.type()}] ${message.text()}`),
    );
    page.on('pageerror', (error) => this.consoleLines.push(`[pageerror] ${error.message}`));
  }

  /** The bytes the page loaded from `url` (a blob: URL it showed). */
  async loadedBytes(url: string): Promise<Buffer> {
    await expect.poll(() => this.#blobLoads.has(url), { message: `${url} loaded` }).toBe(true);
    const response = this.#blobLoads.get(url);
    if (response === undefined) throw new Error(`${url} was not loaded`);
    return response.body();
  }

  get status(): Locator {
    return this.page.getByRole('status');
  }

  get chatLog(): Locator {
    return this.page.getByRole('log');
  }

  button(name: 'Start' | 'Next' | 'Stop' | 'Send'): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  /**
   * The start form's "I am 18 or older" checkbox. The age question is part of the product
   * (QA contract): a page without it fails the test here, never skips it.
   */
  async ageConfirmation(): Promise<Locator> {
    const adult = this.page.getByRole('checkbox', { name: 'I am 18 or older' });
    await expect(
      adult,
      'the start form asks "I am 18 or older" (required by the QA contract, docs/testing.md)',
    ).toBeVisible();
    return adult;
  }

  /** The start form's line saying which languages are chosen; opens the list when clicked. */
  get languagesSummary(): Locator {
    return this.page.getByText('Languages you speak:');
  }

  /** Ticks exactly the languages named (as the page names them) in the start form. */
  async chooseLanguages(names: readonly string[]): Promise<void> {
    const list = this.page.getByRole('group', { name: 'Languages you speak' });
    if (!(await list.isVisible())) await this.languagesSummary.click();
    for (const box of await list.getByRole('checkbox').all()) {
      const name = (await box.evaluate((input) => input.parentElement?.textContent ?? '')).trim();
      if (!names.includes(name)) await box.setChecked(false);
    }
    for (const name of names) await list.getByRole('checkbox', { name, exact: true }).check();
  }

  /** Confirms the age question and presses Start. */
  async start(): Promise<void> {
    await (await this.ageConfirmation()).check();
    await this.button('Start').click();
  }

  async next(): Promise<void> {
    await this.button('Next').click();
  }

  async stop(): Promise<void> {
    await this.button('Stop').click();
  }

  /**
   * Opens the chat room's sheet ("Safety and settings": Report, Block, Blur video, Hide my IP
   * address, the safety code, the route, the devices) as a person would, with its button.
   */
  async openSheet(): Promise<Locator> {
    const sheet = this.page.getByRole('dialog', { name: 'Safety and settings' });
    if (!(await sheet.isVisible())) {
      await this.page.getByRole('button', { name: 'Safety and settings' }).click();
    }
    await expect(sheet).toBeVisible();
    return sheet;
  }

  /** Closes the sheet with its Close button, if it is open. */
  async closeSheet(): Promise<void> {
    const sheet = this.page.getByRole('dialog', { name: 'Safety and settings' });
    if (await sheet.isVisible()) await sheet.getByRole('button', { name: 'Close' }).click();
    await expect(sheet).toBeHidden();
  }

  /** Reports the stranger with the reason labelled `reason` in the dialog, and leaves. */
  async report(reason: string): Promise<void> {
    const sheet = await this.openSheet();
    await sheet.getByRole('button', { name: 'Report' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Report this stranger' });
    await dialog.getByRole('radio', { name: reason }).check();
    await dialog.getByRole('button', { name: 'Report and leave' }).click();
    await expect(dialog).toBeHidden();
  }

  async waitForState(state: StrangerState, options: { timeout?: number } = {}): Promise<void> {
    await waitForState(this.page, state, options);
  }

  async sendMessage(text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Message' }).fill(text);
    await this.button('Send').click();
  }

  async sendImage(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByLabel('Send image').setInputFiles(file);
  }

  /** The safety code, read from the sheet (opened and closed again). */
  async safetyCode(): Promise<string> {
    const sheet = await this.openSheet();
    const code = sheet.getByLabel('Safety code');
    await expect(code).toHaveText(/\S/u);
    const text = (await code.innerText()).trim();
    await this.closeSheet();
    return text;
  }

  /** Closes the tab (the whole browser context), as a person closing the window. */
  async close(): Promise<void> {
    await this.page.context().close();
  }
}

/** One browser per camera setup, launched when a test first needs it. */
class BrowserPool {
  private readonly browsers = new Map<string, Promise<Browser>>();

  get(options: BrowserOptions): Promise<Browser> {
    // A browser without camera access films nothing, and one with several cameras a pattern:
    // one of each serves every colour.
    const key =
      options.cameraDenied === true
        ? 'camera denied'
        : (options.cameras ?? 1) > 1
          ? `${options.cameras} cameras`
          : (options.colour ?? 'grey');
    let browser = this.browsers.get(key);
    if (browser === undefined) {
      browser = chromium.launch(chromiumLaunchOptions(options));
      this.browsers.set(key, browser);
    }
    return browser;
  }

  async close(): Promise<void> {
    const browsers = await Promise.allSettled(this.browsers.values());
    await Promise.all(
      browsers.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
  }
}

/** The cameras strangers of a test get, in turn, unless the test names a colour. */
export const AUTO_COLOURS: readonly CameraColour[] = ['red', 'blue', 'green', 'yellow'];

interface WorkerFixtures {
  /** Extra configuration for the local server, e.g. `{ INTEREST_WAIT_SECONDS: '2' }`. */
  serverEnv: Record<string, string>;
  /** Run the local server with the product's own TURN defaults (see LocalServerOptions). */
  productTurnDefaults: boolean;
  target: Target;
  browserPool: BrowserPool;
}

interface TestFixtures {
  openStranger: (options?: StrangerOptions) => Promise<Stranger>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverEnv: [{}, { scope: 'worker', option: true }],
  productTurnDefaults: [false, { scope: 'worker', option: true }],

  // Each worker runs its own server: strangers of tests running side by side
  // never meet, and a test may restart its server without hurting the others.
  target: [
    async ({ serverEnv, productTurnDefaults }, use) => {
      const baseUrl = process.env.BASE_URL;
      const target =
        baseUrl !== undefined && baseUrl !== ''
          ? remoteTarget(baseUrl)
          : await localTarget(serverEnv, { productTurnDefaults });
      await use(target);
      await target.dispose();
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  browserPool: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads dependencies from this pattern
    async ({}, use) => {
      const pool = new BrowserPool();
      await use(pool);
      await pool.close();
    },
    { scope: 'worker' },
  ],

  baseURL: async ({ target }, use) => {
    await use(target.url);
  },

  openStranger: async ({ target, browserPool }, use, testInfo) => {
    const opened: { stranger: Stranger; context: BrowserContext }[] = [];

    await use(async (options = {}) => {
      const label = options.label ?? String.fromCharCode(65 + opened.length);
      const colour = options.colour ?? AUTO_COLOURS[opened.length % AUTO_COLOURS.length] ?? 'grey';
      const { cameraDenied, cameras } = options;
      const browser = await browserPool.get({ colour, cameraDenied, cameras });
      const context = await browser.newContext({ baseURL: target.url, ...options.context });
      await context.addInitScript(recordPeerConnections);
      const page = await context.newPage();
      const stranger = new Stranger(label, page, colour, options);
      opened.push({ stranger, context });

      await page.goto(options.path ?? '/');
      // The form works once the app has started and the server greeted it.
      await stranger.waitForState('Press Start');
      if (options.nickname !== undefined) {
        await page.getByRole('textbox', { name: 'Nickname' }).fill(options.nickname);
      }
      if (options.interests !== undefined) {
        await page.getByRole('textbox', { name: 'Interests' }).fill(options.interests.join(', '));
      }
      if (options.languages !== undefined) await stranger.chooseLanguages(options.languages);
      if (options.languagesOnly !== undefined) {
        await page
          .getByRole('checkbox', { name: 'Only people who speak my language' })
          .setChecked(options.languagesOnly);
      }
      if (options.hideIp !== undefined) {
        await page.getByRole('checkbox', { name: 'Hide my IP address' }).setChecked(options.hideIp);
      }
      return stranger;
    });

    const failed = testInfo.status !== testInfo.expectedStatus;
    // Every page's report before any page closes: a closed page ends the other's call.
    for (const { stranger } of opened) {
      if (failed && stranger.consoleLines.length > 0) {
        await testInfo.attach(`stranger ${stranger.label} console`, {
          body: stranger.consoleLines.join('\n'),
          contentType: 'text/plain',
        });
      }
      // A crashed page has no stats left to give; the failure itself is reported anyway.
      const stats = failed ? await webrtcStats(stranger.page).catch(() => []) : [];
      if (stats.length > 0) {
        await testInfo.attach(`stranger ${stranger.label} webrtc stats`, {
          body: JSON.stringify(stats, null, 2),
          contentType: 'application/json',
        });
      }
    }
    for (const { context } of opened) await context.close();
    if (failed && target.log !== '') {
      await testInfo.attach('server output', { body: target.log, contentType: 'text/plain' });
    }
  },
});

/** What `meet` needs of a stranger: a `Stranger`, or one in any engine (cross-engine.ts). */
export type Meeting = Pick<Stranger, 'start' | 'waitForState'>;

/**
 * Pairs two strangers the way people would: the first starts and is looking
 * before the second starts; resolves once both are connected.
 */
export async function meet(first: Meeting, second: Meeting): Promise<void> {
  await first.start();
  await first.waitForState('Looking for a stranger');
  await second.start();
  await first.waitForState('Connected');
  await second.waitForState('Connected');
}
