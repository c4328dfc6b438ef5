/**
 * Where code that depends on time gets it. Injected everywhere (matchmaker,
 * rate limiter, metadata log, web session) so that tests drive time
 * themselves instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: tests drive time with it. */
export class ManualClock implements Clock {
  constructor(private time = Date.UTC(2026, 10, 21, 12)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(time: number): void {
    this.time = time;
  }
}
