import type { Action } from 'svelte/action';

/** What gives a page the user activation that lets media play with sound. */
const GESTURES = ['pointerdown', 'keydown'] as const;

/**
 * Shows a MediaStream in a <video>: srcObject cannot be set through an attribute. The element's
 * `autoplay` starts it where the browser allows sound without a gesture. Where it does not
 * (Safari, when the page captures neither camera nor microphone, as in a text-only chat), the
 * video plays muted instead and its sound comes on at the person's next click, tap or key.
 */
export const srcObject: Action<HTMLVideoElement, MediaStream | undefined> = (video, stream) => {
  let stopWaitingForGesture: (() => void) | undefined;

  const unmuteAtNextGesture = (): void => {
    const unmute = (): void => {
      stopWaitingForGesture?.();
      video.muted = false;
    };
    for (const type of GESTURES) document.addEventListener(type, unmute, { capture: true });
    stopWaitingForGesture = () => {
      for (const type of GESTURES) document.removeEventListener(type, unmute, { capture: true });
      stopWaitingForGesture = undefined;
    };
  };

  const play = (): void => {
    video.play().catch((error: unknown) => {
      const name = (error as { name?: unknown } | null)?.name;
      // Another stream replaced this one before it started: that one plays instead.
      if (name === 'AbortError') return;
      // Our own video is muted from the start; a refusal to play it muted is final.
      if (name === 'NotAllowedError' && !video.muted) {
        video.muted = true;
        unmuteAtNextGesture();
        play();
        return;
      }
      console.warn('mayfly: the video would not play', error);
    });
  };

  const show = (next: MediaStream | undefined): void => {
    if (video.srcObject === (next ?? null)) return;
    video.srcObject = next ?? null;
    if (next !== undefined) play();
  };

  show(stream);
  return {
    update: show,
    destroy: () => {
      stopWaitingForGesture?.();
      video.srcObject = null;
    },
  };
};
