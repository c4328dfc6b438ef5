/**
 * Pictures of the main states for docs/screenshots/. Off by default so a
 * normal run leaves the work tree clean: E2E_SCREENSHOTS=1 npm test -w e2e -- screenshots
 */
import path from 'node:path';
import { devices, type Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { jpegWithExif } from '../support/images';
import { expectStrangerVideo } from '../support/media';
import { REPO_ROOT } from '../support/server';

test.skip(process.env.E2E_SCREENSHOTS !== '1', 'set E2E_SCREENSHOTS=1 to refresh docs/screenshots');

const DESKTOP = { viewport: { width: 1280, height: 800 } };

async function capture(page: Page, name: string, fullPage = false): Promise<void> {
  // No focus ring left over from filling a field.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({
    path: path.join(REPO_ROOT, 'docs/screenshots', `${name}.png`),
    animations: 'disabled',
    caret: 'hide',
    fullPage,
  });
}

test('screenshots of the main states', async ({ openStranger }) => {
  const a = await openStranger({ nickname: 'Ada', interests: ['chess', 'jazz'], context: DESKTOP });
  await capture(a.page, 'start');

  await a.start();
  await a.waitForState('Looking for a stranger');
  await capture(a.page, 'waiting');

  const b = await openStranger({ nickname: 'Bo', interests: ['chess'], context: DESKTOP });
  await b.start();
  await a.waitForState('Connected');
  await b.waitForState('Connected');
  await expectStrangerVideo(a.page, b.colour);
  await a.sendMessage('Hi! Chess fan too?');
  await expect(b.chatLog).toContainText('Chess fan too?');
  await b.sendMessage('Yes! Mostly blitz. Here is my board:');
  await b.sendImage(await jpegWithExif(b.page, 240, 160));
  await expect(a.page.getByRole('img', { name: 'Image from stranger' })).toBeVisible();
  await a.sendMessage('Nice, same here.');
  await expect(b.chatLog).toContainText('same here');
  await a.safetyCode();
  await a.page.getByRole('button', { name: 'Show video' }).click();
  await capture(a.page, 'connected');

  await b.stop();
  await a.waitForState('Stranger left');
  await capture(a.page, 'stranger-left');

  await a.page.goto('/privacy');
  await expect(a.page.getByRole('heading').first()).toBeVisible();
  await capture(a.page, 'privacy', true);
});

test('screenshot of a chat on a phone', async ({ openStranger }) => {
  const phone = await openStranger({ nickname: 'Ada', context: devices['Pixel 7'] });
  const other = await openStranger({ nickname: 'Bo' });
  await phone.start();
  await phone.waitForState('Looking for a stranger');
  await other.start();
  await phone.waitForState('Connected');
  await expectStrangerVideo(phone.page, other.colour);
  await phone.page.getByRole('button', { name: 'Show video' }).click();
  await other.sendMessage('Hello from a laptop');
  await expect(phone.chatLog).toContainText('Hello from a laptop');
  await phone.sendMessage('Hi! On my phone');
  await expect(other.chatLog).toContainText('On my phone');
  await capture(phone.page, 'phone-connected', true);
});

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
