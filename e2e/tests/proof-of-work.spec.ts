import { expect, meet, test } from '../support/fixtures';

test.use({ serverEnv: { POW: 'on' } });

test('with POW=on the page passes the browser check without leaving its origin, and strangers meet', async ({
  openStranger,
  baseURL,
}) => {
  const workers: string[] = [];
  const a = await openStranger();
  a.page.on('worker', (worker) => workers.push(worker.url()));
  // openStranger waited for "Press Start": the server welcomed a solved handshake.
  const origin = new URL(baseURL ?? '').origin;
  expect(a.requestedUrls).toContain(`${origin}/pow-challenge`);
  const elsewhere = a.requestedUrls.filter(
    (url) => !url.startsWith(origin) && !url.startsWith(origin.replace(/^http/u, 'ws')),
  );
  expect(elsewhere, 'no request leaves the origin').toEqual([]);
  expect(a.consoleLines.filter((line) => /Content.Security.Policy|refused/iu.test(line))).toEqual(
    [],
  );

  const b = await openStranger();
  await meet(a, b);

  // A new page needs a fresh solution (each is good once), and solves it in our own worker.
  await a.page.reload();
  await a.waitForState('Press Start');
  expect(workers.length).toBeGreaterThan(0);
  expect(workers.every((url) => url.startsWith(`${origin}/`))).toBe(true);
});
