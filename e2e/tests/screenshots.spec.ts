/**
 * Pictures of the main states for docs/screenshots/, at a desktop's size (1280x800), a phone's
 * upright (390x844) and on its side (844x390), in the light and the dark theme. Off by default
 * so a normal run leaves the work tree clean: E2E_SCREENSHOTS=1 npm test -w e2e -- screenshots
 */
import path from 'node:path';
import type { BrowserContextOptions, Page } from '@playwright/test';
import ar from '../../web/src/lib/i18n/locales/ar';
import type { CameraColour } from '../support/fake-camera';
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

test('screenshot of a chat on a phone in Arabic, right to left', async ({
  browserPool,
  baseURL,
}) => {
  const open = async (context: BrowserContextOptions, colour: CameraColour): Promise<Page> => {
    const browser = await browserPool.get({ colour });
    const page = await (
      await browser.newContext({ baseURL, locale: 'ar-EG', ...context })
    ).newPage();
    await page.goto('/ar');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.getByRole('checkbox', { name: ar.start.adult }).check();
    await page.getByRole('button', { name: ar.start.start }).click();
    return page;
  };
  const phone = await open(PHONE, 'red');
  await expect(phone.getByRole('status')).toContainText(ar.status.waiting);
  const other = await open(DESKTOP, 'blue');
  const message = (page: Page) => page.getByRole('textbox', { name: ar.room.message });
  for (const page of [phone, other]) await expect(message(page)).toBeEnabled({ timeout: 20_000 });
  // expectStrangerVideo finds the video by its English name.
  await expect
    .poll(() =>
      phone
        .getByLabel(ar.room.strangerVideo)
        .evaluate((video: HTMLVideoElement) => video.videoWidth),
    )
    .toBeGreaterThan(2);
  await phone.getByRole('button', { name: ar.room.showVideo }).click();
  const send = async (page: Page, text: string): Promise<void> => {
    await message(page).fill(text);
    await page.getByRole('button', { name: ar.room.send, exact: true }).click();
  };
  await send(phone, 'مرحبًا! هل تحب الشطرنج أيضًا؟');
  await expect(other.getByRole('log')).toContainText('الشطرنج');
  await send(other, 'نعم! الشطرنج السريع غالبًا.');
  await expect(phone.getByRole('log')).toContainText('السريع');

  // Mirrored: your own video at the top left, Next at the bottom left, Sound cues at the right.
  const screen = phone.viewportSize() ?? { width: 0, height: 0 };
  const centre = async (name: string): Promise<number> => {
    const box = await phone.getByRole('button', { name, exact: true }).boundingBox();
    return (box?.x ?? 0) + (box?.width ?? 0) / 2;
  };
  const tile = await phone.getByLabel(ar.room.yourVideo).boundingBox();
  expect((tile?.x ?? screen.width) + (tile?.width ?? 0) / 2).toBeLessThan(screen.width / 2);
  expect(await centre(ar.room.next)).toBeLessThan(screen.width / 2);
  expect(await centre(ar.room.soundCues)).toBeGreaterThan(screen.width / 2);
  await capture(phone, 'phone-connected-ar');
  await phone.context().close();
  await other.context().close();
});
