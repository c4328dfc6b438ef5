/**
 * What the web client does where other browsers behave differently from the Chromium and
 * Firefox the suite runs (docs/testing.md, "Engines"), simulated in Chromium: an API taken
 * away before the app loads, or a stricter policy switched on.
 */
import { chromium, type Browser } from '@playwright/test';
import { chromiumLaunchOptions } from '../support/chromium';
import { expect, meet, test, waitForState, type Stranger } from '../support/fixtures';
import { expectStrangerVideo, remoteFrameCount, strangerVideo } from '../support/media';

/** Reloads the stranger's page with `Uint8Array.prototype.toHex` gone, as in Safari < 18.2. */
async function withoutUint8ArrayToHex(stranger: Stranger): Promise<void> {
  await stranger.page.context().addInitScript(() => {
    delete (Uint8Array.prototype as { toHex?: unknown }).toHex;
  });
  await stranger.page.reload();
  await stranger.waitForState('Press Start');
}

test('strangers whose browser lacks Uint8Array.prototype.toHex meet and see each other', async ({
  openStranger,
}) => {
  const a = await openStranger();
  const b = await openStranger();
  await withoutUint8ArrayToHex(a);
  await withoutUint8ArrayToHex(b);
  await meet(a, b);
  await expectStrangerVideo(a.page, b.colour);
  await expectStrangerVideo(b.page, a.colour);
});

/**
 * Safari's rule, installed before the app loads: `play()` with sound is refused until the
 * person has clicked or pressed a key (Safari lets a page play sound by itself only while it
 * captures camera or microphone, so in a text-only chat a stream arriving later may not).
 * Chromium's own autoplay policy, made strict below, stops the `autoplay` attribute likewise.
 */
function refuseSoundBeforeAGesture(): void {
  const play = HTMLMediaElement.prototype.play;
  let gesture = false;
  for (const type of ['pointerdown', 'keydown']) {
    addEventListener(type, () => (gesture = true), { capture: true });
  }
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (this.muted || gesture) return play.call(this);
    return Promise.reject(new DOMException('play() with sound needs a gesture', 'NotAllowedError'));
  };
}

test.describe('where sound may not play before a gesture and the camera is blocked', () => {
  let strict: Browser | undefined;
  test.beforeAll(async () => {
    const options = chromiumLaunchOptions({ cameraDenied: true });
    strict = await chromium.launch({
      ...options,
      args: [...(options.args ?? []), '--autoplay-policy=user-gesture-required'],
    });
  });
  test.afterAll(async () => {
    await strict?.close();
  });

  test('the stranger’s video plays muted, and its sound comes on at the first click', async ({
    openStranger,
    target,
  }) => {
    if (strict === undefined) throw new Error('the strict browser did not start');
    const a = await openStranger();
    await a.start();
    await a.waitForState('Looking for a stranger');
    const context = await strict.newContext({ baseURL: target.url });
    try {
      await context.addInitScript(refuseSoundBeforeAGesture);
      const page = await context.newPage();
      await page.goto('/');
      await waitForState(page, 'Press Start');
      // Clicked by script, not by a person: no gesture yet.
      await page.getByRole('checkbox', { name: 'I am 18 or older' }).dispatchEvent('click');
      await page.getByRole('button', { name: 'Start', exact: true }).dispatchEvent('click');
      await waitForState(page, 'Connected');

      const video = strangerVideo(page);
      await expect(video, 'the video plays').toHaveJSProperty('paused', false);
      const frames = await remoteFrameCount(page);
      await expect.poll(() => remoteFrameCount(page)).toBeGreaterThan(frames + 5);
      await expect(video, 'without sound until a gesture').toHaveJSProperty('muted', true);

      await page.getByRole('log').click();
      await expect(video, 'the sound is on').toHaveJSProperty('muted', false);
      await expect(video, 'the video still plays').toHaveJSProperty('paused', false);
    } finally {
      await context.close();
    }
  });
});
