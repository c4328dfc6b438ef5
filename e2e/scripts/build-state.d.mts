/** Types of build-state.mjs, for the benchmark's TypeScript. */
export function newestMtime(target: string): number;
export function isBuildStale(
  root: string,
  outputs: readonly string[],
  inputs: readonly string[],
): boolean;
