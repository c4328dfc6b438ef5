/**
 * Whether a build is older than its sources, by modification time. Shared by the end-to-end
 * runner (run.mjs: the whole product) and the benchmark (bench/src/build.ts: the server), so
 * that both decide "stale" the same way. No side effects on import.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Newest modification time of the files under `target` (a file or a folder); 0 when absent. */
export function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/**
 * Whether any of `outputs` (files) is missing or not newer than every file under `inputs`
 * (files or folders); paths relative to `root`.
 */
export function isBuildStale(root, outputs, inputs) {
  const oldestOutput = Math.min(
    ...outputs.map((file) => {
      const absolute = path.join(root, file);
      return existsSync(absolute) ? statSync(absolute).mtimeMs : 0;
    }),
  );
  const newestInput = Math.max(...inputs.map((input) => newestMtime(path.join(root, input))));
  return oldestOutput <= newestInput;
}
