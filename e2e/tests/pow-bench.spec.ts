/**
 * How long the browser check takes in this Chromium: the shipped worker, under the page's own
 * CSP, solving fresh challenges from the server at its default difficulty (POW_DIFFICULTY).
 * Prints figures, asserts little. Off by default:
 *
 *   E2E_POW_BENCH=1 npm test -w e2e -- tests/pow-bench
 */
import { expect, test, waitForState } from '../support/fixtures';

const SOLVES = Number(process.env.E2E_POW_BENCH_SOLVES ?? 20);

test.use({ serverEnv: { POW: 'on' } });
test.skip(process.env.E2E_POW_BENCH !== '1', 'set E2E_POW_BENCH=1 to measure the browser check');

test('solve time of the browser check', async ({ page }) => {
  test.setTimeout(300_000);
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const loadStarted = Date.now();
  await page.goto('/');
  await waitForState(page, 'Press Start');
  const firstLoadMs = Date.now() - loadStarted;
  const workerUrl = workers[0];
  expect(workerUrl, 'the page solved its own check in a worker').toBeDefined();

  const runs = await page.evaluate(
    async ({ url, solves }) => {
      const results: { ms: number; wallMs: number; tries: number }[] = [];
      for (let i = 0; i < solves; i++) {
        const challenge: unknown = await (
          await fetch('/pow-challenge', { cache: 'no-store' })
        ).json();
        const started = performance.now();
        const worker = new Worker(url, { type: 'module' });
        const reply = await new Promise<{ ok: boolean; ms: number; tries: number }>((resolve) => {
          worker.onmessage = (event: MessageEvent<{ ok: boolean; ms: number; tries: number }>) =>
            resolve(event.data);
          worker.postMessage({ challenge });
        });
        worker.terminate();
        if (!reply.ok) throw new Error('the worker could not solve a challenge');
        results.push({ ms: reply.ms, wallMs: performance.now() - started, tries: reply.tries });
      }
      return results;
    },
    { url: workerUrl ?? '', solves: SOLVES },
  );

  const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
  const at = (values: number[], q: number): number =>
    sorted(values)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;
  const wall = runs.map((run) => run.wallMs);
  const rate = runs.reduce((sum, run) => sum + run.tries, 0) / runs.reduce((s, r) => s + r.ms, 0);
  const lines = [
    `browser check, ${runs.length} solves at the default POW_DIFFICULTY (counter uniform in 0..difficulty):`,
    `  solve time incl. worker start: median ${at(wall, 0.5).toFixed(0)} ms, p90 ${at(wall, 0.9).toFixed(0)} ms, max ${Math.max(...wall).toFixed(0)} ms`,
    `  hash rate: ${(rate / 1000).toFixed(2)} million SHA-256 per second`,
    `  first page load to "Press Start", check included: ${firstLoadMs} ms`,
  ];
  console.log(lines.join('\n'));
  test.info().annotations.push({ type: 'pow-bench', description: lines.join(' | ') });
});
