/**
 * Time as the client code sees it. Injected everywhere a delay or a timestamp matters, so tests
 * can run the timers by hand instead of sleeping.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
