import { describe, expect, it } from 'vitest';
import { cornerAfterKey, nearestCorner, nextCorner } from '../src/lib/room/self-tile';

describe('your own video tile', () => {
  it('snaps to the corner nearest where it was let go', () => {
    expect(nearestCorner(10, 10, 400, 800)).toBe('top-left');
    expect(nearestCorner(390, 20, 400, 800)).toBe('top-right');
    expect(nearestCorner(20, 790, 400, 800)).toBe('bottom-left');
    expect(nearestCorner(300, 500, 400, 800)).toBe('bottom-right');
  });

  it('moves to the next corner clockwise from its button', () => {
    expect(nextCorner('top-left')).toBe('top-right');
    expect(nextCorner('top-right')).toBe('bottom-right');
    expect(nextCorner('bottom-right')).toBe('bottom-left');
    expect(nextCorner('bottom-left')).toBe('top-left');
  });

  it('follows the arrow keys and ignores other keys', () => {
    expect(cornerAfterKey('top-right', 'ArrowDown')).toBe('bottom-right');
    expect(cornerAfterKey('bottom-right', 'ArrowLeft')).toBe('bottom-left');
    expect(cornerAfterKey('bottom-left', 'ArrowUp')).toBe('top-left');
    expect(cornerAfterKey('top-left', 'ArrowRight')).toBe('top-right');
    expect(cornerAfterKey('top-left', 'ArrowUp')).toBe('top-left');
    expect(cornerAfterKey('top-left', 'Enter')).toBeUndefined();
  });
});
