import { expect, test } from '../support/fixtures';

// Long enough that the stranger with interests never falls back to "anyone" during the test.
test.use({ serverEnv: { INTEREST_WAIT_SECONDS: '120' } });

test('a stranger sharing an interest is paired before one who waited longer', async ({
  openStranger,
  target,
}) => {
  const early = await openStranger({ label: 'early, no interests' });
  const ada = await openStranger({ label: 'Ada', interests: ['chess', 'jazz'] });
  const bo = await openStranger({ label: 'Bo', interests: ['Chess', 'hiking'] });

  await early.start();
  await expect.poll(async () => (await target.counts()).waiting).toBe(1);
  await ada.start();
  await expect.poll(async () => (await target.counts()).waiting).toBe(2);
  await bo.start();

  await ada.waitForState('Connected');
  await bo.waitForState('Connected');
  await expect(ada.status).toContainText('chess');
  await expect(bo.status).toContainText('chess');
  await expect(early.status).toContainText('Looking for a stranger');
  expect(await target.counts()).toMatchObject({ waiting: 1, paired: 2 });
});
