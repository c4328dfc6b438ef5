import { describe, expect, it } from 'vitest';
import { firstFrame } from '../src/lib/actions';

/** A <video> as the action sees it: frame callbacks and `loadeddata` fired by hand. */
class FakeVideo {
  #next = 1;
  readonly frameCallbacks = new Map<number, () => void>();
  readonly listeners = new Set<() => void>();
  constructor(readonly hasFrameCallbacks: boolean) {}
  requestVideoFrameCallback(callback: () => void): number {
    const id = this.#next++;
    this.frameCallbacks.set(id, callback);
    return id;
  }
  cancelVideoFrameCallback(id: number): void {
    this.frameCallbacks.delete(id);
  }
  addEventListener(_type: 'loadeddata', listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'loadeddata', listener: () => void): void {
    this.listeners.delete(listener);
  }
  presentFrame(): void {
    const callbacks = [...this.frameCallbacks.values()];
    this.frameCallbacks.clear();
    for (const callback of callbacks) callback();
  }
  loadData(): void {
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}

function watched(hasFrameCallbacks: boolean) {
  const fake = new FakeVideo(hasFrameCallbacks);
  const video = (hasFrameCallbacks
    ? fake
    : {
        addEventListener: fake.addEventListener.bind(fake),
        removeEventListener: fake.removeEventListener.bind(fake),
      }) as unknown as HTMLVideoElement;
  const shown: MediaStream[] = [];
  const options = (stream: MediaStream | undefined) => ({
    stream,
    shown: (s: MediaStream) => shown.push(s),
  });
  return { fake, video, shown, options };
}

const stream = (): MediaStream => ({}) as MediaStream;

describe('firstFrame', () => {
  it('reports each stream once, at its first presented frame', () => {
    const { fake, video, shown, options } = watched(true);
    const first = stream();
    const action = firstFrame(video, options(first));
    expect(shown).toEqual([]);
    fake.presentFrame();
    fake.presentFrame();
    expect(shown).toEqual([first]);
    // The same stream again (a re-render): nothing new.
    action?.update?.(options(first));
    fake.presentFrame();
    expect(shown).toEqual([first]);
    const second = stream();
    action?.update?.(options(second));
    fake.presentFrame();
    expect(shown).toEqual([first, second]);
  });

  it('forgets a stream replaced or removed before its first frame', () => {
    const { fake, video, shown, options } = watched(true);
    const action = firstFrame(video, options(stream()));
    action?.update?.(options(undefined));
    fake.presentFrame();
    expect(shown).toEqual([]);
    const later = stream();
    action?.update?.(options(later));
    action?.destroy?.();
    fake.presentFrame();
    expect(shown).toEqual([]);
    expect(fake.frameCallbacks.size).toBe(0);
  });

  it('falls back to loadeddata where frame callbacks are missing', () => {
    const { fake, video, shown, options } = watched(false);
    const first = stream();
    firstFrame(video, options(first));
    fake.loadData();
    expect(shown).toEqual([first]);
  });
});
