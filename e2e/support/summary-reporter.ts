/**
 * Prints one plain closing line, `e2e: N passed, N failed, N skipped`, that CI
 * and people can read without knowing Playwright's output.
 */
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private readonly outcomes = new Map<string, TestResult['status']>();

  printsToStdio(): boolean {
    return true;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // With retries (only restart.spec.ts has one) the last result counts.
    this.outcomes.set(test.id, result.status);
  }

  onEnd(result: FullResult): void {
    let [passed, failed, skipped] = [0, 0, 0];
    for (const status of this.outcomes.values()) {
      if (status === 'passed') passed++;
      else if (status === 'skipped') skipped++;
      else failed++;
    }
    // A run that broke before or after the tests (global setup, a worker) fails too.
    if (result.status !== 'passed' && failed === 0) failed = 1;
    console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
