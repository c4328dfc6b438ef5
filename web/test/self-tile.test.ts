import { describe, expect, it } from 'vitest';
import { cornerAfterKey, nearestCorner, nextCorner } from '../src/lib/room/self-tile';

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
