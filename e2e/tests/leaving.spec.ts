import { expect, test, type Stranger, meet } from '../support/fixtures';

/** A person noticing their stranger left is part of the product; 3 s is the promise. */
const LEFT_WITHIN_MS = 3000;

async function connectedPair(openStranger: (options?: object) => Promise<Stranger>) {
  const a = await openStranger();
  const b = await openStranger();
  await meet(a, b);
  return [a, b] as const;
}

test('after Stop the other side sees "Stranger left" within 3 seconds', async ({
  openStranger,
}) => {
  const [a, b] = await connectedPair(openStranger);
  await a.stop();
  await b.waitForState('Stranger left', { timeout: LEFT_WITHIN_MS });
  await expect(a.button('Start')).toBeVisible();
});

test('after closing the tab the other side sees "Stranger left" within 3 seconds', async ({
  openStranger,
}) => {
  const [a, b] = await connectedPair(openStranger);
  await a.close();
  await b.waitForState('Stranger left', { timeout: LEFT_WITHIN_MS });
});
