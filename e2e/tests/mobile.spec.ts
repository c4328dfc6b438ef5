import { devices } from '@playwright/test';
import { expect, test } from '../support/fixtures';
import { expectStrangerVideo } from '../support/media';

test('the main flow works on a phone-sized screen', async ({ openStranger }) => {
  const phone = await openStranger({ label: 'phone', context: devices['Pixel 7'] });
  const desktop = await openStranger({ label: 'desktop' });
  const { page } = phone;

  await (await phone.ageConfirmation()).tap();
  await phone.button('Start').tap();
  await phone.waitForState('Looking for a stranger');
  await desktop.start();
  await phone.waitForState('Connected');
  await desktop.waitForState('Connected');

  await expectStrangerVideo(page, desktop.colour);
  await expectStrangerVideo(desktop.page, phone.colour);
  await expect(page.getByLabel("Stranger's video")).toBeInViewport({ ratio: 0.5 });

  // Nothing is wider than the screen.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  await page.getByRole('textbox', { name: 'Message' }).tap();
  await page.getByRole('textbox', { name: 'Message' }).fill('sent from a phone');
  await phone.button('Send').tap();
  await expect(desktop.chatLog).toContainText('sent from a phone');
  await desktop.sendMessage('answered from a desktop');
  await expect(phone.chatLog).toContainText('answered from a desktop');

  await phone.button('Next').tap();
  await desktop.waitForState('Stranger left', { timeout: 3000 });
  await phone.button('Stop').tap();
  await expect(phone.button('Start')).toBeVisible();
});
