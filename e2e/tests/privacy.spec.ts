import { expect, test, meet } from '../support/fixtures';
import { jpegWithExif } from '../support/images';
import { expectStrangerVideo } from '../support/media';

test('a whole chat leaves no cookies or stored data and talks only to its own origin', async ({
  openStranger,
  target,
}) => {
  const a = await openStranger({ nickname: 'Ada', interests: ['privacy'] });
  const b = await openStranger({ interests: ['privacy'] });
  await meet(a, b);
  await expectStrangerVideo(b.page, a.colour);
  await a.sendMessage('is anything stored?');
  await expect(b.chatLog).toContainText('is anything stored?');
  await a.sendImage(await jpegWithExif(a.page));
  await expect(b.page.getByRole('img', { name: 'Image from stranger' })).toBeVisible();
  await a.page.goto('/privacy');
  await a.page.goto('/');

  const origin = new URL(target.url);
  for (const stranger of [a, b]) {
    expect(await stranger.page.context().cookies(), `${stranger.label}: cookies`).toEqual([]);
    const stored = await stranger.page.evaluate(async () => ({
      localStorage: Object.keys(localStorage),
      sessionStorage: Object.keys(sessionStorage),
      indexedDB: (await indexedDB.databases()).map((database) => database.name),
      caches: await caches.keys(),
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
    }));
    expect(stored, `${stranger.label}: storage`).toEqual({
      localStorage: [],
      sessionStorage: [],
      indexedDB: [],
      caches: [],
      serviceWorkers: 0,
    });

    const elsewhere = stranger.requestedUrls.filter((url) => {
      const parsed = new URL(url);
      if (parsed.protocol === 'blob:' || parsed.protocol === 'data:') return false;
      // ws: and http: on the same host and port are the page's own origin.
      return parsed.hostname !== origin.hostname || parsed.port !== origin.port;
    });
    expect(elsewhere, `${stranger.label}: requests to other origins`).toEqual([]);
    expect(stranger.requestedUrls.length).toBeGreaterThan(0);

    const violations = stranger.consoleLines.filter((line) =>
      line.includes('Content Security Policy'),
    );
    expect(violations, `${stranger.label}: CSP violations`).toEqual([]);
  }
});

for (const path of ['/', '/privacy']) {
  test(`${path} is served with the security headers`, async ({ request }) => {
    const response = await request.get(path);
    expect(response.status()).toBe(200);
    const headers = response.headers();
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['permissions-policy']).toContain('camera=(self)');
    expect(headers['permissions-policy']).toContain('microphone=(self)');
    expect(headers['permissions-policy']).toContain('geolocation=()');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['set-cookie']).toBeUndefined();
  });
}
