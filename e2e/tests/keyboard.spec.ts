import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures';

/** Presses Tab until `target` has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<void> {
  for (let presses = 0; presses < maxPresses; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${String(target)} not reached with ${maxPresses} Tab presses`);
}

test('the whole flow works from the keyboard: Start, Escape for Next, Stop', async ({
  openStranger,
}) => {
  const a = await openStranger({ label: 'keyboard user' });
  const { page } = a;

  const adult = await a.ageConfirmation();
  await tabTo(page, adult);
  await page.keyboard.press('Space');
  await expect(adult).toBeChecked();
  await tabTo(page, a.button('Start'));
  await page.keyboard.press('Enter');
  await a.waitForState('Looking for a stranger');

  const b = await openStranger();
  await b.start();
  await a.waitForState('Connected');
  await b.waitForState('Connected');

  await page.keyboard.press('Escape');
  await b.waitForState('Stranger left', { timeout: 3000 });
  await a.waitForState('Looking for a stranger');

  const c = await openStranger();
  await c.start();
  await a.waitForState('Connected');
  await c.waitForState('Connected');

  await page.getByRole('textbox', { name: 'Message' }).focus();
  await page.keyboard.type('typed, not clicked');
  await page.keyboard.press('Enter');
  await expect(c.chatLog).toContainText('typed, not clicked');

  await tabTo(page, a.button('Stop'));
  await page.keyboard.press('Enter');
  await c.waitForState('Stranger left', { timeout: 3000 });
  await expect(a.button('Start')).toBeVisible();
});
