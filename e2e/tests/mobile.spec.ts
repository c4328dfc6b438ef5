import { devices } from '@playwright/test';
import { expect, test, type Stranger } from '../support/fixtures';
import { expectStrangerVideo, expectVideoKeepsFlowing } from '../support/media';

/** The phone waits first, tapping as a person would; the desktop stranger comes. */
async function meetOnPhone(phone: Stranger, desktop: Stranger): Promise<void> {
  await (await phone.ageConfirmation()).tap();
  await phone.button('Start').tap();
  await phone.waitForState('Looking for a stranger');
  await desktop.start();
  await phone.waitForState('Connected');
  await desktop.waitForState('Connected');
}

test('the main flow works on a phone-sized screen', async ({ openStranger }) => {
  const phone = await openStranger({ label: 'phone', context: devices['Pixel 7'] });
  const desktop = await openStranger({ label: 'desktop' });
  const { page } = phone;

  await meetOnPhone(phone, desktop);

  await expectStrangerVideo(page, desktop.colour);
  await expectStrangerVideo(desktop.page, phone.colour);
  await expect(page.getByLabel("Stranger's video")).toBeInViewport({ ratio: 0.5 });

  // Nothing is wider than the screen.
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  await test.step('the stranger fills the screen, Next is large and within thumb reach', async () => {
    const screen = page.viewportSize() ?? { width: 0, height: 0 };
    const video = await page.getByLabel("Stranger's video").boundingBox();
    expect(video?.width).toBe(screen.width);
    expect(video?.height ?? 0).toBeGreaterThan(screen.height * 0.95);
    const next = await phone.button('Next').boundingBox();
    expect(next?.height ?? 0).toBeGreaterThanOrEqual(48);
    expect(next?.y ?? 0).toBeGreaterThan(screen.height * 0.8);
  });

  await test.step('your own video moves: dragged it snaps to a corner, the arrow keys too', async () => {
    const screen = page.viewportSize() ?? { width: 0, height: 0 };
    const tile = page.getByLabel('Your video');
    const before = await tile.boundingBox();
    if (before === null) throw new Error('no tile');
    expect(before.x).toBeGreaterThan(screen.width / 2);
    await page.mouse.move(before.x + 10, before.y + 10);
    await page.mouse.down();
    await page.mouse.move(40, screen.height * 0.6, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => (await tile.boundingBox())?.x ?? screen.width, { message: 'left' })
      .toBeLessThan(screen.width / 2);
    await expect
      .poll(async () => (await tile.boundingBox())?.y ?? 0, { message: 'bottom half' })
      .toBeGreaterThan(screen.height / 4);
    await page.getByRole('button', { name: 'Move your video to another corner' }).focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(async () => (await tile.boundingBox())?.x ?? 0, { message: 'right' })
      .toBeGreaterThan(screen.width / 2);
  });

  await test.step('sound cues go off with one tap', async () => {
    const sound = page.getByRole('button', { name: 'Sound cues' });
    await expect(sound).toHaveAttribute('aria-pressed', 'true');
    await sound.tap();
    await expect(sound).toHaveAttribute('aria-pressed', 'false');
  });

  await page.getByRole('textbox', { name: 'Message' }).tap();
  await page.getByRole('textbox', { name: 'Message' }).fill('sent from a phone');
  await phone.button('Send').tap();
  await expect(desktop.chatLog).toContainText('sent from a phone');
  await desktop.sendMessage('answered from a desktop');
  await expect(phone.chatLog).toContainText('answered from a desktop');

  await phone.button('Next').tap();
  await desktop.waitForState('Stranger left', { timeout: 3000 });
  await phone.button('Stop').tap();
  await expect(phone.button('Start')).toBeVisible();
});

test('a phone with several cameras switches between them mid-call, and the stranger keeps seeing it', async ({
  openStranger,
}) => {
  const phone = await openStranger({ label: 'phone', context: devices['Pixel 7'], cameras: 3 });
  const desktop = await openStranger({ label: 'desktop' });
  const { page } = phone;
  const switchCamera = page.getByRole('button', { name: 'Switch camera' });

  await meetOnPhone(phone, desktop);
  await expectStrangerVideo(page, desktop.colour);

  /** The camera the phone films with, in its own tile and in what it sends the stranger. */
  const filming = () =>
    page.evaluate(() => {
      const own = document.querySelector<HTMLVideoElement>('video[aria-label="Your video"]');
      const stream = own?.srcObject instanceof MediaStream ? own.srcObject : undefined;
      const connections = (window as unknown as { __e2ePeerConnections: RTCPeerConnection[] })
        .__e2ePeerConnections;
      const sender = connections
        .at(-1)
        ?.getSenders()
        .find((candidate) => candidate.track?.kind === 'video');
      return { tile: stream?.getVideoTracks()[0]?.label, sent: sender?.track?.label };
    });
  const desktopSees = (): Promise<void> =>
    expectVideoKeepsFlowing([{ label: 'desktop', page: desktop.page }], { durationMs: 2_000 });
  // Only where there are several cameras: the desktop stranger has one.
  await expect(desktop.page.getByRole('button', { name: 'Switch camera' })).toHaveCount(0);
  expect(await filming()).toEqual({ tile: 'fake_device_0', sent: 'fake_device_0' });
  await desktopSees();

  // Each press takes the next camera, on the same call (no renegotiation). Chromium's second fake
  // camera is a depth camera (16-bit grey) that WebRTC does not encode: the stranger's picture
  // is checked on the others.
  for (const camera of ['fake_device_1', 'fake_device_2', 'fake_device_0']) {
    await switchCamera.tap();
    await expect
      .poll(filming, { message: `the phone films with ${camera}` })
      .toEqual({ tile: camera, sent: camera });
    if (camera !== 'fake_device_1') await desktopSees();
    await desktop.waitForState('Connected');
  }
});
