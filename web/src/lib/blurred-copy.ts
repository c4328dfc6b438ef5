import type { Action } from 'svelte/action';

/** Width of the copy in canvas pixels; its height follows the video's aspect ratio. */
export const BLURRED_COPY_WIDTH = 32;
/** A 16th of the copy's width: the strength of the `blur(2.5rem)` it replaces on a 640 px stage. */
const BLUR_PX = 2;
/** Where the canvas has no `filter` (older Safari): fewer pixels instead, about as little detail. */
const UNFILTERED_WIDTH = 8;
/** Ten pictures a second: enough to see that someone moves, too few to cost anything. */
const REDRAW_MS = 100;

/**
 * Safe start: keeps a canvas showing a tiny blurred copy of the stranger's video, which CSS
 * scales up while the video itself is hidden. A CSS `filter: blur()` on the full-size video
 * cost the browser a large blur on every frame (in software compositing, the most expensive
 * thing on the page); this blurs a few hundred pixels ten times a second. Nothing is read back,
 * kept or sent: the canvas only ever holds the latest frame.
 *
 * The parameter is the video to copy, or `undefined` while nothing is to be shown: then it does
 * not draw (the canvas can be made ahead, with its context, and kept hidden).
 */
export const blurredCopy: Action<HTMLCanvasElement, HTMLVideoElement | undefined> = (
  canvas,
  initial,
) => {
  let video = initial;
  const context = canvas.getContext('2d', { alpha: false });
  const filtered = context !== null && 'filter' in context;
  const width = filtered ? BLURRED_COPY_WIDTH : UNFILTERED_WIDTH;

  /** Sizes the canvas to the video's shape; resizing resets the context, so it is set up again. */
  const fit = (target: CanvasRenderingContext2D, source: HTMLVideoElement): void => {
    const height = Math.max(1, Math.round((width * source.videoHeight) / source.videoWidth));
    if (canvas.width === width && canvas.height === height) return;
    canvas.width = width;
    canvas.height = height;
    target.imageSmoothingEnabled = true;
    target.imageSmoothingQuality = 'high';
    if (filtered) target.filter = `blur(${BLUR_PX}px)`;
  };

  /** Something is drawn: a stranger's picture, which must not outlast their chat. */
  let drawn = false;
  const clear = (): void => {
    if (context === null || !drawn) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  };

  const draw = (): void => {
    if (context === null || video === undefined) return;
    // No picture (yet): between two strangers, nothing of the last one stays.
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) {
      clear();
      return;
    }
    fit(context, video);
    drawn = true;
    // Drawn past the edges, so the blur fades into picture rather than into black.
    const marginX = filtered ? 2 * BLUR_PX : 0;
    const marginY = (marginX * canvas.height) / canvas.width;
    context.drawImage(
      video,
      -marginX,
      -marginY,
      canvas.width + 2 * marginX,
      canvas.height + 2 * marginY,
    );
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  const follow = (): void => {
    if (video === undefined) {
      clearInterval(timer);
      timer = undefined;
      clear();
      return;
    }
    draw();
    timer ??= setInterval(draw, REDRAW_MS);
  };

  follow();
  return {
    update: (next) => {
      video = next;
      follow();
    },
    destroy: () => {
      clearInterval(timer);
    },
  };
};
