/**
 * The browser part of `npm run bench -- --browser`, run by the end-to-end
 * runner (e2e/scripts/run.mjs --config this file), which builds the product
 * when needed and runs everything inside its private network namespace.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../../e2e/support/chromium';

export default defineConfig({
  testDir: '.',
  testMatch: 'start-to-video.bench.ts',
  globalSetup: '../../e2e/support/global-setup.ts',
  outputDir: './test-results',
  retries: 0,
  // One call at a time: a second pair of browsers would share the cores being timed.
  workers: 1,
  timeout: 15 * 60_000,
  reporter: 'list',
  use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions() },
});
