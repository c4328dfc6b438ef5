/**
 * Report: the stranger is reported with a reason from the list, the chat
 * ends for both, and the two are not matched again.
 */
import { expect, meet, test } from '../support/fixtures';

// A server of this file's own: a report leaves blocks behind that other files must not meet.
test.use({ serverEnv: { BAN_REPORTS: '50' } });

test('a stranger reported for harassment is gone at once and not met again', async ({
  openStranger,
  target,
}) => {
  const a = await openStranger();
  const b = await openStranger();
  await meet(a, b);

  const sheet = await a.openSheet();
  await sheet.getByRole('button', { name: 'Report' }).click();
  await expect(sheet).toBeHidden();
  const dialog = a.page.getByRole('dialog', { name: 'Report this stranger' });
  await expect(dialog).toBeVisible();
  const submit = dialog.getByRole('button', { name: 'Report and leave' });
  await expect(submit).toBeDisabled();
  await dialog.getByRole('radio', { name: 'Harassment' }).check();
  await submit.click();
  await expect(dialog).toBeHidden();

  await a.waitForState(/You reported the stranger/);
  await b.waitForState('Stranger left');
  // Both look again: they wait for someone else instead of meeting again.
  await a.next();
  await b.next();
  await a.waitForState('Looking for a stranger');
  await b.waitForState('Looking for a stranger');
  await expect.poll(async () => (await target.counts()).waiting).toBe(2);
  await expect(a.status).toContainText('Looking for a stranger');
});
