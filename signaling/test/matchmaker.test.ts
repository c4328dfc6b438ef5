import { describe, expect, it } from 'vitest';
import { ManualClock } from '@mayfly/protocol';
import { Matchmaker, type Decision } from '../src/matching/index.js';

const INTEREST_WAIT = 5000;
const SKIP_MEMORY = 600_000;

function setup() {
  const clock = new ManualClock();
  const matchmaker = new Matchmaker(
    { interestWaitMs: INTEREST_WAIT, skipMemoryMs: SKIP_MEMORY },
    clock,
  );
  const start = (id: string, interests: string[] = []): readonly Decision[] => {
    matchmaker.register(id);
    const result = matchmaker.start(id, interests);
    if (!result.ok) throw new Error(`start ${id}: ${result.code}`);
    return result.decisions;
  };
  return { clock, matchmaker, start };
}

function pairs(decisions: readonly Decision[]): string[][] {
  return decisions.flatMap((d) => (d.kind === 'paired' ? [[d.initiator, d.responder]] : []));
}

describe('Matchmaker', () => {
  it('keeps a lone stranger waiting', () => {
    const { matchmaker, start } = setup();
    expect(start('a')).toEqual([]);
    expect(matchmaker.stateOf('a')).toBe('waiting');
  });

  it('pairs a new stranger with the longest-waiting one, who initiates', () => {
    const { clock, matchmaker, start } = setup();
    start('a', ['chess']);
    clock.advance(1000);
    start('b', ['go']);
    clock.advance(INTEREST_WAIT);
    // a and b now accept anyone but have been paired with each other by the sweep.
    expect(pairs(matchmaker.pairWaiting())).toEqual([['a', 'b']]);
    start('c');
    clock.advance(10);
    const decisions = start('d');
    expect(pairs(decisions)).toEqual([['c', 'd']]);
    const paired = decisions[0];
    expect(paired?.kind === 'paired' && paired.waitedMs).toEqual({ c: 10, d: 0 });
  });

  it('never pairs a stranger with themselves', () => {
    const { matchmaker, start } = setup();
    start('a');
    expect(matchmaker.pairWaiting()).toEqual([]);
    expect(matchmaker.next('a')).toEqual({ ok: true, decisions: [] });
    expect(matchmaker.partnerOf('a')).toBeUndefined();
  });

  it('pairs strangers sharing an interest before earlier strangers without one', () => {
    const { start } = setup();
    start('plain');
    start('cats-1', ['cats']);
    start('dogs', ['dogs']);
    const decisions = start('cats-2', ['music', 'cats']);
    expect(pairs(decisions)).toEqual([['cats-1', 'cats-2']]);
    expect(decisions[0]).toMatchObject({ sharedInterests: ['cats'] });
  });

  it('keeps a stranger with interests for a shared one until the interest wait ends', () => {
    const { clock, matchmaker, start } = setup();
    start('a', ['cats']);
    expect(start('b')).toEqual([]);
    clock.advance(INTEREST_WAIT - 1);
    expect(matchmaker.pairWaiting()).toEqual([]);
    expect(matchmaker.nextDeadline()).toBe(clock.now() + 1);
    clock.advance(1);
    const decisions = matchmaker.pairWaiting();
    expect(pairs(decisions)).toEqual([['a', 'b']]);
    expect(decisions[0]).toMatchObject({ sharedInterests: [] });
  });

  it('lets two strangers with different interests meet once both waited long enough', () => {
    const { clock, matchmaker, start } = setup();
    start('a', ['cats']);
    clock.advance(INTEREST_WAIT);
    expect(start('b', ['dogs'])).toEqual([]);
    expect(matchmaker.nextDeadline()).toBe(clock.now() + INTEREST_WAIT);
    clock.advance(INTEREST_WAIT);
    expect(pairs(matchmaker.pairWaiting())).toEqual([['a', 'b']]);
  });

  it('tells the partner when a stranger presses Next, and looks again for the skipper', () => {
    const { matchmaker, start } = setup();
    start('a');
    start('b');
    const result = matchmaker.next('a');
    expect(result).toEqual({
      ok: true,
      decisions: [{ kind: 'partnerLeft', stranger: 'b', reason: 'next', pairedForMs: 0 }],
    });
    expect(matchmaker.stateOf('a')).toBe('waiting');
    expect(matchmaker.stateOf('b')).toBe('idle');
  });

  it('does not pair again with a stranger skipped within the skip memory', () => {
    const { clock, matchmaker, start } = setup();
    start('a');
    start('b');
    matchmaker.next('a');
    // b, now idle, presses Next too: a is waiting, but a skipped b.
    const result = matchmaker.next('b');
    expect(result.ok && pairs(result.decisions)).toEqual([]);
    start('c');
    expect(matchmaker.partnerOf('c')).toBe('a');
    matchmaker.stop('c');
    matchmaker.next('a');
    clock.advance(SKIP_MEMORY - 1);
    expect(pairs(matchmaker.pairWaiting())).toEqual([]);
    clock.advance(1);
    expect(pairs(matchmaker.pairWaiting())).toEqual([['b', 'a']]); // b queued first
  });

  it('schedules the sweep for when a skip memory between two waiting strangers ends', () => {
    const { clock, matchmaker, start } = setup();
    start('a');
    start('b');
    matchmaker.next('a');
    matchmaker.next('b');
    expect(matchmaker.nextDeadline()).toBe(clock.now() + SKIP_MEMORY);
  });

  it('Stop leaves the partner idle and told, and the stopper idle', () => {
    const { matchmaker, start } = setup();
    start('a');
    start('b');
    expect(matchmaker.stop('b')).toEqual({
      ok: true,
      decisions: [{ kind: 'partnerLeft', stranger: 'a', reason: 'stop', pairedForMs: 0 }],
    });
    expect(matchmaker.stateOf('a')).toBe('idle');
    expect(matchmaker.stateOf('b')).toBe('idle');
    expect(matchmaker.counts()).toEqual({ connected: 2, waiting: 0, paired: 0 });
  });

  it('Stop takes a waiting stranger out of the queue', () => {
    const { matchmaker, start } = setup();
    start('a');
    expect(matchmaker.stop('a')).toEqual({ ok: true, decisions: [] });
    expect(start('b')).toEqual([]);
  });

  it('a disconnect tells the partner and forgets the stranger', () => {
    const { clock, matchmaker, start } = setup();
    start('a');
    start('b');
    clock.advance(42_000);
    expect(matchmaker.remove('a')).toEqual([
      { kind: 'partnerLeft', stranger: 'b', reason: 'disconnect', pairedForMs: 42_000 },
    ]);
    expect(matchmaker.stateOf('a')).toBeUndefined();
    expect(matchmaker.counts()).toEqual({ connected: 1, waiting: 0, paired: 0 });
  });

  it('a disconnected stranger is removed from the queue', () => {
    const { matchmaker, start } = setup();
    start('a');
    matchmaker.remove('a');
    expect(start('b')).toEqual([]);
  });

  it('refuses start while waiting or paired, and Next before any start', () => {
    const { matchmaker, start } = setup();
    start('a');
    expect(matchmaker.start('a', [])).toEqual({ ok: false, code: 'invalid_state' });
    matchmaker.register('b');
    expect(matchmaker.next('b')).toEqual({ ok: false, code: 'invalid_state' });
    expect(matchmaker.start('ghost', [])).toEqual({ ok: false, code: 'unknown_stranger' });
  });

  it('Next after the partner left looks again with the same interests', () => {
    const { matchmaker, start } = setup();
    start('a', ['cats']);
    start('b', ['cats']);
    matchmaker.stop('a');
    start('c', ['cats']);
    const result = matchmaker.next('b');
    expect(result.ok && result.decisions[0]).toMatchObject({
      kind: 'paired',
      sharedInterests: ['cats'],
    });
  });
});
