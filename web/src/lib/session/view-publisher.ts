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

export class ViewPublisher<View> {
  readonly #listeners = new Set<(view: View) => void>();
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

  /** The listener hears the current view now, then every change. */
  subscribe(listener: (view: View) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#view);
    return () => this.#listeners.delete(listener);
  }

  /** The view as it is now; listeners hear it at once unless the view is held. */
  publish(view: View): void {
    this.#view = view;
    if (this.#held) this.#unpublished = true;
    else this.#notify();
  }

  /**
   * Holds changes back until `release()`, for `maxHoldMs` at most from the first hold. Holding
   * while held keeps the earlier deadline.
   */
  hold(): void {
    if (this.#held) return;
    this.#held = true;
    this.#holdTimer = this.#clock.setTimeout(() => this.release(), this.#maxHoldMs);
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
  }

  #notify(): void {
    this.#unpublished = false;
    for (const listener of this.#listeners) listener(this.#view);
  }
}
