import { availableParallelism } from 'node:os';
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium';

const remote = process.env.BASE_URL !== undefined && process.env.BASE_URL !== '';

export default defineConfig({
  testDir: './tests',
  globalSetup: './support/global-setup.ts',
  outputDir: './test-results',
  // Flakiness must show, not be retried away.
  retries: 0,
  forbidOnly: process.env.CI !== undefined,
  fullyParallel: true,
  // A worker runs its own server and two to four Chromiums encoding and decoding video: about
  // two cores' worth. More workers only slow every test down (measured on 2 cores: 1 worker
  // 75-82 s, 2 workers 72-118 s, 3 workers timed out). A shared deployment (BASE_URL) has one
  // queue: tests in parallel would meet each other's strangers.
  workers: remote
    ? 1
    : Number(process.env.E2E_WORKERS ?? Math.max(1, Math.floor(availableParallelism() / 2))),
  // Tests with three or four strangers launch a Chromium each: on a slower machine of two cores
  // (6 December 2026), under the suite's own load, next.spec took 62-78 s on unchanged code.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./support/summary-reporter.ts']],
  use: {
    // The built-in `page` fixture (single-page tests) uses the same Chromium and flags.
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
