/** A minimal typed event emitter: `on` returns the function that removes the listener. */
type Listener = (...args: never[]) => void;

export class TypedEmitter<Events extends { [E in keyof Events]: Listener }> {
  readonly #listeners = new Map<keyof Events, Set<Listener>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const listeners = set;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set])
      (listener as (...args: Parameters<Events[E]>) => void)(...args);
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
