/**
 * Time as the client code sees it: the protocol's Clock (now) plus timers.
 * Injected everywhere a delay or a timestamp matters, so tests can run the
 * timers by hand instead of sleeping.
 */
import type { Clock as TimeSource } from '@mayfly/protocol';

export interface Clock extends TimeSource {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real time and timers of the page (or of Node, in tests that want real time). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number | undefined),
};
