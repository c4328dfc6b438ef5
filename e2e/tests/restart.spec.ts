import { expect, test, meet } from '../support/fixtures';
import { expectVideoKeepsFlowing } from '../support/media';

// After A's Next, B learns of it from A's goodbye on the data channel: the restarted server knows
// nothing of the pair. Before the goodbye existed, B waited for A's closing peer connection,
// whose last signal was often lost (B still "Connected" 3 s later, in 2 of 2 CI runs); with
// it, 5 of 5 runs passed. One retry stays as a guard while that record is short.
test.describe.configure({ retries: 1 });

test.beforeEach(({ target }) => {
  test.skip(target.restart === undefined, 'needs a server this run started (not BASE_URL)');
});

/** Socket.IO's back-off after a restart plus a WebRTC set-up. */
const RECONNECT_TIMEOUT_MS = 20_000;

test('a stranger waiting through a server restart is found after it', async ({
  openStranger,
  target,
}) => {
  const a = await openStranger();
  await a.start();
  await a.waitForState('Looking for a stranger');

  await target.restart?.();
  // Without pressing anything, A is back in the new server's queue.
  await expect
    .poll(async () => (await target.counts()).waiting, { timeout: RECONNECT_TIMEOUT_MS })
    .toBe(1);

  const b = await openStranger();
  await b.start();
  await a.waitForState('Connected');
  await b.waitForState('Connected');
});

test('a chat goes on through a server restart: the call never stops, both take it back on the new server, Next still works', async ({
  openStranger,
  target,
}) => {
  const a = await openStranger();
  const b = await openStranger();
  await meet(a, b);
  const codeBefore = await a.safetyCode();

  await target.restart?.();
  // Both come back and present their resume tokens: the new server pairs them again.
  await expect
    .poll(async () => (await target.counts()).paired, { timeout: RECONNECT_TIMEOUT_MS })
    .toBe(2);
  // The call itself never needed the server: its video flowed throughout, same safety code.
  await expectVideoKeepsFlowing(
    [
      { label: a.label, page: a.page },
      { label: b.label, page: b.page },
    ],
    { durationMs: 2000 },
  );
  await a.waitForState('Connected');
  expect(await a.safetyCode()).toBe(codeBefore);

  // The server matches and relays for them again: A's Next reaches B, and A meets a newcomer
  // (not B again: a skipped stranger is not offered again for SKIP_MEMORY_MINUTES).
  const c = await openStranger();
  await c.start();
  await c.waitForState('Looking for a stranger');
  await a.next();
  await b.waitForState('Stranger left', { timeout: 3000 });
  await a.waitForState('Connected', { timeout: RECONNECT_TIMEOUT_MS });
  await c.waitForState('Connected', { timeout: RECONNECT_TIMEOUT_MS });
  expect(await a.safetyCode()).not.toBe(codeBefore);
});
