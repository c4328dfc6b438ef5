import { expect, test } from '../support/fixtures';

test('Start stays disabled until the person confirms they are 18 or older', async ({
  openStranger,
}) => {
  const a = await openStranger();
  const adult = await a.ageConfirmation();
  await expect(a.button('Start')).toBeDisabled();
  await adult.check();
  await expect(a.button('Start')).toBeEnabled();
});
