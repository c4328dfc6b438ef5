/**
 * The recovery part of `npm run bench -- --recovery`, run by the end-to-end runner
 * (e2e/scripts/run.mjs --config this file), which builds the product when needed and runs
 * everything inside its private network namespace, where the network lab can be built.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: 'network-recovery.bench.ts',
  globalSetup: '../../e2e/support/global-setup.ts',
  outputDir: './test-results',
  retries: 0,
  // One call at a time, in one lab: a second call would share the cores being timed.
  workers: 1,
  timeout: 15 * 60_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
});
