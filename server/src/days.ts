const DAY_MS = 86_400_000;

/** The UTC calendar day of a timestamp, as YYYY-MM-DD. */
export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The newest day whose files are past the retention window: everything
 * written on it or before is more than `retentionDays` old or will be within
 * the day, so it goes. No record is kept longer than `retentionDays`.
 */
export function lastExpiredDay(now: number, retentionDays: number): string {
  return utcDay(now - retentionDays * DAY_MS);
}

export function millisUntilNextDay(now: number): number {
  return DAY_MS - (now % DAY_MS);
}
