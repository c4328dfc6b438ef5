import { describe, expect, it } from 'vitest';
import { VIEW_HOLD_MAX_MS, ViewPublisher } from '../src/lib/session/view-publisher';
import { ManualClock } from './fakes';

function setup() {
  const clock = new ManualClock();
  const views = new ViewPublisher('a', clock);
  const heard: string[] = [];
  views.subscribe((view) => heard.push(view));
  return { clock, views, heard };
}

describe('ViewPublisher', () => {
  it('hands a new listener the current view, then every change at once', () => {
    const { views, heard } = setup();
    views.publish('b');
    views.publish('c');
    expect(heard).toEqual(['a', 'b', 'c']);
  });

  it('while held, keeps changes back and hands over only the latest on release', () => {
    const { views, heard } = setup();
    views.hold();
    views.publish('b');
    views.publish('c');
    expect(heard).toEqual(['a']);
    views.release();
    expect(heard).toEqual(['a', 'c']);
    views.publish('d');
    expect(heard).toEqual(['a', 'c', 'd']);
  });

  it('holds for a bound of its own when given one, and prolong() moves the deadline', async () => {
    const { clock, views, heard } = setup();
    views.hold(300);
    views.publish('b');
    await clock.advance(VIEW_HOLD_MAX_MS);
    expect(heard).toEqual(['a']);
    views.prolong(500);
    await clock.advance(499);
    expect(heard).toEqual(['a']);
    await clock.advance(1);
    expect(heard).toEqual(['a', 'b']);
    // Not held: prolong() holds anew.
    views.prolong(50);
    views.publish('c');
    await clock.advance(49);
    expect(heard).toEqual(['a', 'b']);
    await clock.advance(1);
    expect(heard).toEqual(['a', 'b', 'c']);
  });

  it('a live listener hears every change at once, held or not', () => {
    const { views, heard } = setup();
    const live: string[] = [];
    views.subscribe((view) => live.push(view), { live: true });
    views.hold();
    views.publish('b');
    views.publish('c');
    expect(live).toEqual(['a', 'b', 'c']);
    expect(heard).toEqual(['a']);
    views.release();
    expect(heard).toEqual(['a', 'c']);
    expect(live).toEqual(['a', 'b', 'c']);
  });

  it('says nothing on release when nothing changed while held', () => {
    const { views, heard } = setup();
    views.hold();
    views.release();
    views.release();
    expect(heard).toEqual(['a']);
  });

  it('releases by itself after the longest hold, counted from the first hold', async () => {
    const { clock, views, heard } = setup();
    views.hold();
    views.publish('b');
    await clock.advance(VIEW_HOLD_MAX_MS - 10);
    views.hold(); // does not extend the deadline
    expect(heard).toEqual(['a']);
    await clock.advance(10);
    expect(heard).toEqual(['a', 'b']);
    views.publish('c');
    expect(heard).toEqual(['a', 'b', 'c']);
  });

  it('a release cancels the deadline: the next hold gets its own', async () => {
    const { clock, views, heard } = setup();
    views.hold();
    await clock.advance(VIEW_HOLD_MAX_MS - 1);
    views.release();
    views.hold();
    views.publish('b');
    await clock.advance(VIEW_HOLD_MAX_MS - 1);
    expect(heard).toEqual(['a']);
    await clock.advance(1);
    expect(heard).toEqual(['a', 'b']);
  });

  it('after close, no listener hears anything', async () => {
    const { clock, views, heard } = setup();
    views.hold();
    views.publish('b');
    views.close();
    await clock.advance(VIEW_HOLD_MAX_MS);
    views.publish('c');
    expect(heard).toEqual(['a']);
  });

  it('an unsubscribed listener hears nothing more', () => {
    const clock = new ManualClock();
    const views = new ViewPublisher(1, clock);
    const heard: number[] = [];
    const unsubscribe = views.subscribe((view) => heard.push(view));
    unsubscribe();
    views.publish(2);
    expect(heard).toEqual([1]);
  });
});
