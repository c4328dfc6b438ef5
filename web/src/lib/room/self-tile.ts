/**
 * Your own video in the chat room: a small tile in a corner of the stranger's video, which the
 * person may move out of the way, by dragging it (it snaps to the nearest corner) or from the
 * keyboard (the arrow keys pick a corner, the tile's button moves it to the next one).
 */
import type { Action } from 'svelte/action';

/**
 * A corner on the logical sides: `start` is the left in a left-to-right page and the right in a
 * right-to-left one (Arabic), so the room mirrors with `dir` and the CSS uses `inset-inline-*`.
 */
export type Corner = 'top-start' | 'top-end' | 'bottom-end' | 'bottom-start';

/** Clockwise in a left-to-right page (mirrored in a right-to-left one), for the tile's button. */
const CLOCKWISE: readonly Corner[] = ['top-start', 'top-end', 'bottom-end', 'bottom-start'];

/** A pointer that moved less than this was a tap, not a drag. */
const DRAG_THRESHOLD_PX = 6;

/**
 * The corner of a `width` x `height` box nearest the point (`x`, `y`) in it (`x` from the
 * box's left edge), in a page written right to left when `rtl`.
 */
export function nearestCorner(
  x: number,
  y: number,
  width: number,
  height: number,
  rtl = false,
): Corner {
  const vertical = y < height / 2 ? 'top' : 'bottom';
  const horizontal = x < width / 2 !== rtl ? 'start' : 'end';
  return `${vertical}-${horizontal}`;
}

/** The next corner, clockwise. */
export function nextCorner(corner: Corner): Corner {
  return CLOCKWISE[(CLOCKWISE.indexOf(corner) + 1) % CLOCKWISE.length] ?? 'top-start';
}

/**
 * Where an arrow key sends the tile from `corner`; undefined for any other key. The left and
 * right arrows go to the physical side, which is the end side in a right-to-left page.
 */
export function cornerAfterKey(corner: Corner, key: string, rtl = false): Corner | undefined {
  const [vertical, horizontal] = corner.split('-') as ['top' | 'bottom', 'start' | 'end'];
  switch (key) {
    case 'ArrowUp':
      return `top-${horizontal}`;
    case 'ArrowDown':
      return `bottom-${horizontal}`;
    case 'ArrowLeft':
      return `${vertical}-${rtl ? 'end' : 'start'}`;
    case 'ArrowRight':
      return `${vertical}-${rtl ? 'start' : 'end'}`;
    default:
      return undefined;
  }
}

/** Whether the element is laid out right to left (`dir="rtl"` on the page). */
export function isRightToLeft(element: Element): boolean {
  return getComputedStyle(element).direction === 'rtl';
}

/**
 * Lets the tile be dragged with a finger, a pen or a mouse inside its positioned parent; on
 * release `onmove` hears the corner nearest where it was let go. While dragged the tile follows
 * the pointer through its `translate` property (set through the CSSOM, which the page's
 * content security policy allows, unlike style attributes).
 */
export const draggableTile: Action<HTMLElement, (corner: Corner) => void> = (tile, onmove) => {
  let move = onmove;
  let drag: { pointerId: number; x: number; y: number; moved: boolean } | undefined;

  const down = (event: PointerEvent): void => {
    // The tile's own button moves it by a click: a capture would take the click from it.
    if (event.button !== 0 || drag !== undefined) return;
    if (event.target instanceof Element && event.target.closest('button') !== null) return;
    drag = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, moved: false };
    tile.setPointerCapture(event.pointerId);
  };
  const follow = (event: PointerEvent): void => {
    if (drag?.pointerId !== event.pointerId) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    drag.moved = true;
    tile.classList.add('dragging');
    tile.style.translate = `${dx}px ${dy}px`;
  };
  const release = (event: PointerEvent): void => {
    if (drag?.pointerId !== event.pointerId) return;
    const { moved } = drag;
    drag = undefined;
    tile.classList.remove('dragging');
    const parent = tile.offsetParent;
    if (moved && parent !== null && event.type === 'pointerup') {
      const box = parent.getBoundingClientRect();
      const own = tile.getBoundingClientRect();
      const x = own.left + own.width / 2 - box.left;
      const y = own.top + own.height / 2 - box.top;
      move(nearestCorner(x, y, box.width, box.height, isRightToLeft(tile)));
    }
    tile.style.translate = '';
  };

  tile.addEventListener('pointerdown', down);
  tile.addEventListener('pointermove', follow);
  tile.addEventListener('pointerup', release);
  tile.addEventListener('pointercancel', release);
  return {
    update: (next) => {
      move = next;
    },
    destroy: () => {
      tile.removeEventListener('pointerdown', down);
      tile.removeEventListener('pointermove', follow);
      tile.removeEventListener('pointerup', release);
      tile.removeEventListener('pointercancel', release);
    },
  };
};

/**
 * Keeps the element the size of the visual viewport, the part of the page not covered by the
 * on-screen keyboard: `--viewport-height` and `--viewport-top` for its CSS. Without
 * `visualViewport` the CSS falls back to the layout viewport.
 */
export const fitVisualViewport: Action<HTMLElement> = (element) => {
  const viewport = window.visualViewport;
  if (viewport === null) return;
  const fit = (): void => {
    element.style.setProperty('--viewport-height', `${viewport.height}px`);
    element.style.setProperty('--viewport-top', `${viewport.offsetTop}px`);
  };
  fit();
  viewport.addEventListener('resize', fit);
  viewport.addEventListener('scroll', fit);
  return {
    destroy: () => {
      viewport.removeEventListener('resize', fit);
      viewport.removeEventListener('scroll', fit);
    },
  };
};
