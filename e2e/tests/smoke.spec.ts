import { expect, test } from '../support/fixtures';

test('the server answers its health check and privacy statement', async ({ request }) => {
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok' });

  const privacy = await request.get('/privacy.json');
  expect(privacy.status()).toBe(200);
});
