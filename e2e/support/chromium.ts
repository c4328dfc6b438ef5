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
  /**
   * Several cameras, as on a phone with a front and a back one: Chromium's own fake devices
   * (`fake_device_0`, `fake_device_1`, ...: a moving pattern; the second a depth camera),
   * instead of one filming `colour`. @default 1
   */
  readonly cameras?: number;
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
      // The flag's value decides the answer to every camera prompt.
      options.cameraDenied === true
        ? '--use-fake-ui-for-media-stream=deny'
        : '--use-fake-ui-for-media-stream',
      // A camera file is one device; the fake devices can be several.
      ...((options.cameras ?? 1) > 1
        ? [`--use-fake-device-for-media-stream=device-count=${options.cameras}`]
        : [
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${cameraFile(options.colour ?? 'grey')}`,
          ]),
    ],
  };
}
