/**
 * Which Chromium runs the tests and with which flags. Playwright cannot download
 * its own browser on our machines, so the system Chromium is preferred.
 */
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';
import { cameraFile, type CameraColour } from './fake-camera';

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Playwright's own browser (undefined). */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

export interface BrowserOptions {
  /** The colour this browser's fake camera films. @default 'grey' */
  readonly colour?: CameraColour;
  /** Refuse camera and microphone, as a person clicking "Block" would. @default false */
  readonly cameraDenied?: boolean;
}

export function chromiumLaunchOptions(options: BrowserOptions = {}): LaunchOptions {
  const executablePath = chromiumExecutable();
  return {
    ...(executablePath === undefined ? {} : { executablePath }),
    headless: true,
    args: [
      // Root in a container has no user namespaces for Chromium's sandbox.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Nothing but the page under test may talk to the network.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      // The flag's value decides the answer to every camera prompt.
      options.cameraDenied === true
        ? '--use-fake-ui-for-media-stream=deny'
        : '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${cameraFile(options.colour ?? 'grey')}`,
    ],
  };
}
