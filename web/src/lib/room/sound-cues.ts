/**
 * Short sound cues, drawn with WebAudio (no file to fetch): a stranger found, and a message that
 * arrives while the tab is hidden. On by default, off with one tap, for this tab only (kept in
 * memory, like every other choice of the page).
 *
 * Browsers let a page make sound only after the person interacted with it. The audio context is
 * therefore created by `unlock()`, which the room calls when the page is idle and no call is being
 * set up (the activation of the age box's tick lasts), at the first tap or key and from the on/off
 * button; a cue before that is skipped, never queued.
 */

/** What the cues use of an AudioContext (a fake in unit tests). */
export type CueContext = Pick<
  AudioContext,
  'currentTime' | 'destination' | 'state' | 'resume' | 'close' | 'createOscillator' | 'createGain'
>;

export type Cue = 'stranger-found' | 'message';

/** Each cue's notes, in Hz, played one after the other. */
const NOTES: Record<Cue, readonly number[]> = {
  'stranger-found': [660, 880],
  message: [880],
};
const NOTE_SECONDS = 0.12;
const VOLUME = 0.12;

export class SoundCues {
  readonly #createContext: () => CueContext;
  #context: CueContext | undefined;
  #on = true;

  constructor(createContext: () => CueContext = () => new AudioContext()) {
    this.#createContext = createContext;
  }

  get on(): boolean {
    return this.#on;
  }

  /** The audio context exists (it may still wait for a gesture to run). */
  get ready(): boolean {
    return this.#context !== undefined;
  }

  /** Creates (or wakes) the audio context; sound needs the page to have had a user gesture. */
  unlock(): void {
    try {
      if (this.#context === undefined) {
        this.#context = this.#createContext();
        // Chromium computes a context's sine tables with its first oscillator: about 15 ms at 4x
        // CPU, which the first cue would pay just as the stranger's first picture is due. Paid
        // now (the room unlocks when the page is idle), the cues' own oscillators cost nothing.
        this.#context.createOscillator();
      }
    } catch (error) {
      console.warn('mayfly: no sound cues in this browser', error);
      return;
    }
    if (this.#context.state === 'suspended') {
      this.#context.resume().catch((error: unknown) => {
        console.warn('mayfly: sound cues could not start', error);
      });
    }
  }

  /** Sound cues on or off; call from the button's click, a user gesture. */
  set(on: boolean): void {
    this.#on = on;
    if (on) this.unlock();
  }

  play(cue: Cue): void {
    const context = this.#context;
    if (!this.#on || context?.state !== 'running') return;
    NOTES[cue].forEach((frequency, index) => {
      const start = context.currentTime + index * NOTE_SECONDS;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      // A soft attack and decay: no click at either end.
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(VOLUME, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + NOTE_SECONDS);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + NOTE_SECONDS);
    });
  }

  close(): void {
    this.#context?.close().catch((error: unknown) => {
      console.warn('mayfly: could not close the sound cues’ audio', error);
    });
    this.#context = undefined;
  }
}
