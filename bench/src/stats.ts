/** Order statistics for the figures. Empty input gives NaN, which the report shows as "n/a". */

/** The p-th percentile (0-100) by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? NaN) + upper) / 2;
}

/** Each numeric field's median over the rounds; the fields are those of the first round. */
export function medianOf<T extends Record<keyof T, number>>(rounds: readonly T[]): T {
  const first = rounds[0];
  if (first === undefined) throw new Error('no rounds to take the median of');
  const result: Partial<Record<keyof T, number>> = {};
  for (const key of Object.keys(first) as (keyof T)[]) {
    result[key] = median(rounds.map((round) => round[key]));
  }
  return result as T;
}
