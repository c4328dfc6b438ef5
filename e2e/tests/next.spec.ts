import { test, meet } from '../support/fixtures';
import { expectStrangerVideo } from '../support/media';

test('Next leaves the stranger for someone new; the one left is told and meets someone else', async ({
  openStranger,
}) => {
  const a = await openStranger();
  const b = await openStranger();
  await meet(a, b);

  const c = await openStranger();
  await c.start();
  await c.waitForState('Looking for a stranger');

  await a.next();
  await b.waitForState('Stranger left', { timeout: 3000 });
  await a.waitForState('Connected');
  await c.waitForState('Connected');
  await expectStrangerVideo(a.page, c.colour);
  await expectStrangerVideo(c.page, a.colour);

  // A skipped B, so B meets the next newcomer rather than A again.
  const d = await openStranger();
  await b.next();
  await b.waitForState('Looking for a stranger');
  await d.start();
  await b.waitForState('Connected');
  await d.waitForState('Connected');
  await expectStrangerVideo(b.page, d.colour);
  await expectStrangerVideo(d.page, b.colour);
});
