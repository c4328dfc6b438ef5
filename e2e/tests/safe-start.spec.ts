import { expect, meet, test } from '../support/fixtures';
import {
  blurredCopy,
  expectStrangerBlurred,
  expectStrangerVideo,
  strangerVideo,
} from '../support/media';

const SAFE_START = 'Blur video until I choose to see it';

test('safe start blurs each new stranger until "Show video" is pressed', async ({
  openStranger,
}) => {
  const a = await openStranger();
  const b = await openStranger();
  // The operator default (SAFE_START_DEFAULT) is on.
  await expect(a.page.getByRole('checkbox', { name: SAFE_START })).toBeChecked();
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);

  const video = strangerVideo(a.page);
  const show = a.page.getByRole('button', { name: 'Show video' });
  await expectStrangerBlurred(a.page, b.colour);
  await show.click();
  await expect(video).toBeVisible();
  await expect(blurredCopy(a.page)).toBeHidden();
  await expect(show).toBeHidden();

  const c = await openStranger();
  await c.start();
  await c.waitForState('Looking for a stranger');
  await a.next();
  await a.waitForState('Connected');
  await c.waitForState('Connected');
  await expectStrangerVideo(a.page, c.colour);
  await expect(show, 'the next stranger starts blurred again').toBeVisible();
  await expectStrangerBlurred(a.page, c.colour);

  // From the keyboard too.
  await show.focus();
  await a.page.keyboard.press('Enter');
  await expect(video).toBeVisible();
  await expect(blurredCopy(a.page)).toBeHidden();
});

test('without safe start strangers show at once; the choice lasts for the tab only', async ({
  openStranger,
}) => {
  const a = await openStranger();
  const b = await openStranger();
  const safeStart = a.page.getByRole('checkbox', { name: SAFE_START });
  await safeStart.uncheck();
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expect(strangerVideo(a.page)).toBeVisible();
  await expect(blurredCopy(a.page)).toBeHidden();
  await expect(a.page.getByRole('button', { name: 'Show video' })).toHaveCount(0);

  // The person may still blur a stranger on the spot.
  await (await a.openSheet()).getByRole('button', { name: 'Blur video' }).click();
  await expectStrangerBlurred(a.page, b.colour);

  await a.stop();
  await expect(safeStart, 'remembered in the open tab').not.toBeChecked();
  await a.page.reload();
  await a.waitForState('Press Start');
  await expect(safeStart, 'nothing was stored: a new page has the default').toBeChecked();
});
