/**
 * Prints one plain closing line, `e2e: N passed, N failed, N skipped`, that CI
 * and people can read without knowing Playwright's output; when some tests are
 * marked `test.fail()` (a known bug) and fail as expected, `, N failed as
 * expected` follows.
 */
import type { FullResult, Reporter, TestCase } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private readonly tests = new Map<string, TestCase>();

  printsToStdio(): boolean {
    return true;
  }

  onTestEnd(test: TestCase): void {
    this.tests.set(test.id, test);
  }

  onEnd(result: FullResult): void {
    let [passed, failed, skipped, failedAsExpected] = [0, 0, 0, 0];
    for (const test of this.tests.values()) {
      // With retries (only restart.spec.ts has one) the last result counts: `flaky` passed.
      const outcome = test.outcome();
      if (outcome === 'skipped') skipped++;
      else if (outcome === 'unexpected') failed++;
      else if (test.expectedStatus === 'failed') failedAsExpected++;
      else passed++;
    }
    // A run that broke before or after the tests (global setup, a worker) fails too.
    if (result.status !== 'passed' && failed === 0) failed = 1;
    const known = failedAsExpected > 0 ? `, ${failedAsExpected} failed as expected` : '';
    console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped${known}`);
  }
}
