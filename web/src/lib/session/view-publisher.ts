/**
 * Hands the session's view to its listeners (the page), and lets the controller hold it back
 * for a moment while the page's next WebRTC step runs.
 *
 * Why hold: every view change re-renders the chat room, and Svelte renders in a microtask of
 * the task that changed the view, so a render started by "matched" or by the stranger's offer
 * runs before the peer connection's next step (creating the offer, setting the stranger's
 * description and answering). Rendering the room takes the main thread for 15-30 ms in the
 * benchmark, and the stranger waits for our description all that time (docs/performance.md,
 * "Start to video"). Held, the changes wait until our description has left, then reach the
 * page as one render, while the network carries the description: the same work, off the path
 * the stranger waits on.
 *
 * A hold never lasts longer than `maxHoldMs` (100 ms by default), so a step that stalls, such
 * as a camera prompt the person has not answered yet, still shows at once to the eye.
 */
import type { Clock } from '../clock';

/** Below what people perceive as a delay after their action. */
export const VIEW_HOLD_MAX_MS = 100;

/**
 * After Start, the room's first render waits for the server's answer: queued, it shows at once
 * (one round trip); matched at once, it waits until our description and first candidate have
 * left, so that showing the room does not sit between the steps of the call, and the person
 * sees the room with the stranger arriving rather than a "connecting" room first. At most this
 * long: the status line, which is not held, says what is happening meanwhile. On a phone-class
 * CPU the call's set-up takes most of a second by itself.
 */
export const START_HOLD_MAX_MS = 1000;

export class ViewPublisher<View> {
  readonly #listeners = new Set<(view: View) => void>();
  readonly #liveListeners = new Set<(view: View) => void>();
  readonly #clock: Clock;
  readonly #maxHoldMs: number;
  #view: View;
  #held = false;
  #unpublished = false;
  #holdTimer: unknown;

  constructor(view: View, clock: Clock, maxHoldMs = VIEW_HOLD_MAX_MS) {
    this.#view = view;
    this.#clock = clock;
    this.#maxHoldMs = maxHoldMs;
  }

  /**
   * The listener hears the current view now, then every change; a `live` one hears each change
   * at once even while the view is held (for what is cheap to render and must not wait: the
   * status line).
   */
  subscribe(listener: (view: View) => void, { live = false } = {}): () => void {
    const listeners = live ? this.#liveListeners : this.#listeners;
    listeners.add(listener);
    listener(this.#view);
    return () => listeners.delete(listener);
  }

  /** The view as it is now; listeners hear it at once unless the view is held. */
  publish(view: View): void {
    this.#view = view;
    for (const listener of this.#liveListeners) listener(view);
    if (this.#held) this.#unpublished = true;
    else this.#notify();
  }

  /**
   * Holds changes back until `release()`, for `maxMs` (`maxHoldMs` unless given) at most from
   * the first hold. Holding while held keeps the earlier deadline.
   */
  hold(maxMs = this.#maxHoldMs): void {
    if (this.#held) return;
    this.#held = true;
    this.#holdTimer = this.#clock.setTimeout(() => this.release(), maxMs);
  }

  /** Holds (or goes on holding) for `maxMs` from now, whatever the earlier deadline. */
  prolong(maxMs: number): void {
    this.#clock.clearTimeout(this.#holdTimer);
    this.#held = true;
    this.#holdTimer = this.#clock.setTimeout(() => this.release(), maxMs);
  }

  /** Listeners hear the latest view, if it changed while held. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#clock.clearTimeout(this.#holdTimer);
    if (this.#unpublished) this.#notify();
  }

  /** No listener hears anything again. */
  close(): void {
    this.#held = false;
    this.#clock.clearTimeout(this.#holdTimer);
    this.#listeners.clear();
    this.#liveListeners.clear();
  }

  #notify(): void {
    this.#unpublished = false;
    for (const listener of this.#listeners) listener(this.#view);
  }
}
