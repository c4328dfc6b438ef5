/**
 * Firefox for the cross-engine scenarios, driven by puppeteer-core over WebDriver BiDi
 * (Playwright drives only its own patched Firefox, which cannot be downloaded here). One
 * browser per worker; each stranger gets a user context of their own (cookies and storage
 * apart, as Playwright's browser contexts) and a window of their own.
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { firefoxExecutable } from './engines';
import { PuppeteerDriver } from './stranger-driver';

/**
 * Firefox's fake camera and microphone, granted without a prompt. Its fake video is a plain
 * colour that changes over time; unlike Chromium there is no file option, so every Firefox
 * stranger films the same.
 */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Firefox holds enumerateDevices() back until the window has focus, and of several windows
  // only one has it: the others' pages would stay at "Asking for your camera and microphone".
  'media.devices.unfocused.enabled': true,
};

/** Matches the Playwright config's actionTimeout and navigationTimeout. */
const ACTION_TIMEOUT_MS = 15_000;

export interface FirefoxLaunch {
  /** Run this instead of the Firefox found (the network lab's wrapper). @default firefoxExecutable() */
  readonly executablePath?: string;
  /** Prefs besides FIREFOX_PREFS. */
  readonly prefs?: Readonly<Record<string, unknown>>;
}

export async function launchFirefox(launch: FirefoxLaunch = {}): Promise<Browser> {
  const executablePath = launch.executablePath ?? firefoxExecutable();
  if (executablePath === undefined) {
    throw new Error('Firefox not found: apt-get install firefox-esr, or set FIREFOX_PATH');
  }
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...launch.prefs },
    // Playwright's worker owns the process's signals; the browser is closed by the fixture.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * A new stranger's page: a user context of its own and its own window (a background tab
 * would be hidden, and Firefox presents no video frames in a hidden page). `initScripts` run
 * before any script of every document it loads.
 */
export async function openFirefoxPage(
  browser: Browser,
  initScripts: readonly (() => void)[],
): Promise<PuppeteerDriver> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage({ type: 'window' });
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
    for (const script of initScripts) await page.evaluateOnNewDocument(script);
    return new PuppeteerDriver(page, () => context.close());
  } catch (error) {
    await context.close();
    throw error;
  }
}
