/**
 * Pictures of the main states for docs/screenshots/, at a desktop's size (1280x800), a phone's
 * upright (390x844) and on its side (844x390), in the light and the dark theme. Off by default
 * so a normal run leaves the work tree clean: E2E_SCREENSHOTS=1 npm test -w e2e -- screenshots
 */
import path from 'node:path';
import type { BrowserContextOptions, Page } from '@playwright/test';
import { expect, test, type Stranger } from '../support/fixtures';
import { jpegWithExif } from '../support/images';
import { expectStrangerVideo } from '../support/media';
import { REPO_ROOT } from '../support/server';

test.skip(process.env.E2E_SCREENSHOTS !== '1', 'set E2E_SCREENSHOTS=1 to refresh docs/screenshots');

const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
const PHONE_SIDEWAYS: BrowserContextOptions = { ...PHONE, viewport: { width: 844, height: 390 } };
const THEMES = ['light', 'dark'] as const;

/** Writes docs/screenshots/<name>.png, and <name>-dark.png in the dark theme. */
async function capture(page: Page, name: string, fullPage = false): Promise<void> {
  // No focus ring left over from filling a field.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (const colorScheme of THEMES) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({
      path: path.join(
        REPO_ROOT,
        'docs/screenshots',
        `${name}${colorScheme === 'dark' ? '-dark' : ''}.png`,
      ),
      animations: 'disabled',
      caret: 'hide',
      fullPage,
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** `a` and `b` meet and talk; `a` sees `b`'s video unblurred. */
async function chat(a: Stranger, b: Stranger): Promise<void> {
  await a.start();
  await a.waitForState('Looking for a stranger');
  await b.start();
  await a.waitForState('Connected');
  await b.waitForState('Connected');
  await expectStrangerVideo(a.page, b.colour);
  await a.page.getByRole('button', { name: 'Show video' }).click();
  await a.sendMessage('Hi! Chess fan too?');
  await expect(b.chatLog).toContainText('Chess fan too?');
  await b.sendMessage('Yes! Mostly blitz. Here is my board:');
  await b.sendImage(await jpegWithExif(b.page, 240, 160));
  await expect(a.page.getByRole('img', { name: 'Image from stranger' })).toBeVisible();
  await a.sendMessage('Nice, same here.');
  await expect(b.chatLog).toContainText('same here');
}

test('screenshots of the main states on a desktop', async ({ openStranger }) => {
  const a = await openStranger({ nickname: 'Ada', interests: ['chess', 'jazz'], context: DESKTOP });
  await capture(a.page, 'start');

  await a.start();
  await a.waitForState('Looking for a stranger');
  await capture(a.page, 'waiting');
  await a.stop();
  await a.waitForState('Press Start');

  const b = await openStranger({ nickname: 'Bo', interests: ['chess'], context: DESKTOP });
  await chat(a, b);
  await a.safetyCode();
  await capture(a.page, 'connected');
  await a.openSheet();
  await capture(a.page, 'sheet');
  await a.closeSheet();

  await b.stop();
  await a.waitForState('Stranger left');
  await capture(a.page, 'stranger-left');

  await a.page.goto('/privacy');
  await expect(a.page.getByRole('heading').first()).toBeVisible();
  await capture(a.page, 'privacy', true);
});

for (const [name, context] of [
  ['phone', PHONE],
  ['phone-sideways', PHONE_SIDEWAYS],
] as const) {
  test(`screenshots of a chat on a phone (${name})`, async ({ openStranger }) => {
    const phone = await openStranger({ nickname: 'Ada', context });
    const other = await openStranger({ nickname: 'Bo', context: DESKTOP });
    await chat(phone, other);
    await capture(phone.page, `${name}-connected`);
    await phone.openSheet();
    await capture(phone.page, `${name}-sheet`);
  });
}

test('screenshot of the start form in Arabic, right to left', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: 'ar-EG', ...DESKTOP });
  const page = await context.newPage();
  await page.goto('/ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('status')).toHaveText('اضغط «ابدأ» لتتعرّف على شخص غريب.');
  await page.getByText('اللغات التي تتحدثها:').click();
  await capture(page, 'start-ar');
  await context.close();
});
