import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  cornerAfterKey,
  fitVisualViewport,
  nearestCorner,
  nextCorner,
} from '../src/lib/room/self-tile';

describe('your own video tile', () => {
  it('snaps to the corner nearest where it was let go', () => {
    expect(nearestCorner(10, 10, 400, 800)).toBe('top-start');
    expect(nearestCorner(390, 20, 400, 800)).toBe('top-end');
    expect(nearestCorner(20, 790, 400, 800)).toBe('bottom-start');
    expect(nearestCorner(300, 500, 400, 800)).toBe('bottom-end');
  });

  it('names the sides logically in a right-to-left page', () => {
    expect(nearestCorner(10, 10, 400, 800, true)).toBe('top-end');
    expect(nearestCorner(390, 20, 400, 800, true)).toBe('top-start');
    expect(cornerAfterKey('top-start', 'ArrowLeft', true)).toBe('top-end');
    expect(cornerAfterKey('bottom-end', 'ArrowRight', true)).toBe('bottom-start');
  });

  it('moves to the next corner clockwise from its button', () => {
    expect(nextCorner('top-start')).toBe('top-end');
    expect(nextCorner('top-end')).toBe('bottom-end');
    expect(nextCorner('bottom-end')).toBe('bottom-start');
    expect(nextCorner('bottom-start')).toBe('top-start');
  });

  it('follows the arrow keys and ignores other keys', () => {
    expect(cornerAfterKey('top-end', 'ArrowDown')).toBe('bottom-end');
    expect(cornerAfterKey('bottom-end', 'ArrowLeft')).toBe('bottom-start');
    expect(cornerAfterKey('bottom-start', 'ArrowUp')).toBe('top-start');
    expect(cornerAfterKey('top-start', 'ArrowRight')).toBe('top-end');
    expect(cornerAfterKey('top-start', 'ArrowUp')).toBe('top-start');
    expect(cornerAfterKey('top-start', 'Enter')).toBeUndefined();
  });
});

describe('fitVisualViewport', () => {
  /** The part of the screen the on-screen keyboard leaves: a visualViewport stand-in. */
  class FakeVisualViewport extends EventTarget {
    height = 844;
    offsetTop = 0;
    /** The keyboard opens (`keyboardPx` high), or closes with 0; the page may scroll under it. */
    keyboard(keyboardPx: number, scrolledPx = 0): void {
      this.height = 844 - keyboardPx;
      this.offsetTop = scrolledPx;
      this.dispatchEvent(new Event('resize'));
      this.dispatchEvent(new Event('scroll'));
    }
  }
  const room = () => {
    const properties = new Map<string, string>();
    const element = {
      style: { setProperty: (name: string, value: string) => properties.set(name, value) },
    } as unknown as HTMLElement;
    return { element, properties };
  };

  afterEach(() => vi.unstubAllGlobals());

  it('keeps the room the size and place of what the keyboard leaves of the screen', () => {
    const viewport = new FakeVisualViewport();
    vi.stubGlobal('window', { visualViewport: viewport });
    const { element, properties } = room();
    const action = fitVisualViewport(element);
    expect(Object.fromEntries(properties)).toEqual({
      '--viewport-height': '844px',
      '--viewport-top': '0px',
    });
    viewport.keyboard(336, 120);
    expect(Object.fromEntries(properties)).toEqual({
      '--viewport-height': '508px',
      '--viewport-top': '120px',
    });
    viewport.keyboard(0);
    expect(properties.get('--viewport-height')).toBe('844px');
    // Gone with the room: the viewport's later changes are not followed.
    if (action) action.destroy?.();
    viewport.keyboard(300);
    expect(properties.get('--viewport-height')).toBe('844px');
  });

  it('leaves the room to the CSS fallback (the layout viewport) where there is no visualViewport', () => {
    vi.stubGlobal('window', { visualViewport: null });
    const { element, properties } = room();
    fitVisualViewport(element);
    expect(properties.size).toBe(0);
  });
});
