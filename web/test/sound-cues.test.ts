import { describe, expect, it } from 'vitest';
import { SoundCues, type CueContext } from '../src/lib/room/sound-cues';

/** Records the notes started on it; starts `suspended` as a browser's context may. */
class FakeContext {
  state: AudioContextState = 'suspended';
  currentTime = 10;
  destination = {} as AudioDestinationNode;
  readonly notes: { frequency: number; at: number }[] = [];
  oscillators = 0;
  closed = false;

  resume(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    this.state = 'closed';
    return Promise.resolve();
  }

  createGain(): GainNode {
    const param = {
      setValueAtTime: () => param,
      linearRampToValueAtTime: () => param,
      exponentialRampToValueAtTime: () => param,
    };
    const gain = { gain: param, connect: (next: unknown) => next };
    return gain as unknown as GainNode;
  }

  createOscillator(): OscillatorNode {
    this.oscillators++;
    const oscillator = {
      frequency: { value: 0 },
      connect: (next: unknown) => next,
      start: (at: number) => this.notes.push({ frequency: oscillator.frequency.value, at }),
      stop: () => undefined,
    };
    return oscillator as unknown as OscillatorNode;
  }
}

function setup(): { cues: SoundCues; contexts: FakeContext[] } {
  const contexts: FakeContext[] = [];
  const cues = new SoundCues(() => {
    const context = new FakeContext();
    contexts.push(context);
    return context as unknown as CueContext;
  });
  return { cues, contexts };
}

describe('sound cues', () => {
  it('makes no sound and creates no audio before a gesture unlocks them', () => {
    const { cues, contexts } = setup();
    cues.play('stranger-found');
    expect(contexts).toEqual([]);
  });

  it('plays two rising notes for a stranger found and one for a message, once unlocked', async () => {
    const { cues, contexts } = setup();
    cues.unlock();
    await Promise.resolve();
    cues.play('stranger-found');
    cues.play('message');
    expect(contexts).toHaveLength(1);
    expect(contexts[0]?.notes.map((note) => note.frequency)).toEqual([660, 880, 880]);
  });

  it('stays silent once turned off, and sounds again when turned on', async () => {
    const { cues, contexts } = setup();
    cues.unlock();
    await Promise.resolve();
    cues.set(false);
    cues.play('message');
    expect(contexts[0]?.notes).toEqual([]);
    cues.set(true);
    cues.play('message');
    expect(contexts[0]?.notes).toHaveLength(1);
  });

  it('lets its audio go on close', async () => {
    const { cues, contexts } = setup();
    cues.unlock();
    await Promise.resolve();
    cues.close();
    expect(contexts[0]?.closed).toBe(true);
    cues.play('message');
    expect(contexts[0]?.notes).toEqual([]);
  });

  it('makes its first oscillator when unlocked, not with the first cue (Chromium computes its tables then)', async () => {
    const { cues, contexts } = setup();
    cues.unlock();
    cues.unlock();
    const [context] = contexts;
    expect(contexts).toHaveLength(1);
    expect(context?.oscillators).toBe(1);
    await Promise.resolve();
    cues.play('message');
    expect(context?.oscillators).toBe(2);
    expect(context?.notes).toHaveLength(1); // the one made ahead never plays
  });
});
