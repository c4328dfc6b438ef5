import type { Action } from 'svelte/action';

/** Shows a MediaStream in a <video>: srcObject cannot be set through an attribute. */
export const srcObject: Action<HTMLVideoElement, MediaStream | undefined> = (video, stream) => {
  const show = (next: MediaStream | undefined): void => {
    if (video.srcObject !== (next ?? null)) video.srcObject = next ?? null;
  };
  show(stream);
  return {
    update: show,
    destroy: () => {
      video.srcObject = null;
    },
  };
};
