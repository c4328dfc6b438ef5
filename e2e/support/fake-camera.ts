/**
 * Solid-colour Y4M files for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`). Each stranger films a different
 * colour, so a test can tell whose picture a video element shows.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type Rgb = readonly [red: number, green: number, blue: number];

/**
 * Saturated but not extreme, so the trip through I420, VP8 and back to RGB
 * keeps every colour far from the others.
 */
export const CAMERA_COLOURS = {
  red: [200, 40, 40],
  blue: [40, 70, 210],
  green: [40, 170, 60],
  yellow: [220, 190, 30],
  grey: [128, 128, 128],
} as const satisfies Record<string, Rgb>;

export type CameraColour = keyof typeof CAMERA_COLOURS;

const WIDTH = 320;
const HEIGHT = 240;
const FPS = 15;
const SECONDS = 2;
const HEADER = `YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`;

export const CAMERA_DIR = path.resolve(import.meta.dirname, '../.cache/camera');

export function cameraFile(colour: CameraColour): string {
  return path.join(
    CAMERA_DIR,
    `${colour}-${CAMERA_COLOURS[colour].join('-')}-${WIDTH}x${HEIGHT}.y4m`,
  );
}

/** BT.601 limited range, the matrix Chromium assumes for a Y4M file. */
function rgbToYuv([r, g, b]: Rgb): [number, number, number] {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  return [
    Math.round(16 + 65.481 * R + 128.553 * G + 24.966 * B),
    Math.round(128 - 37.797 * R - 74.203 * G + 112.0 * B),
    Math.round(128 + 112.0 * R - 93.786 * G - 18.214 * B),
  ];
}

/** A Y4M (I420) clip of one colour; Chromium loops it. */
export function solidColourY4m(rgb: Rgb): Buffer {
  const [y, u, v] = rgbToYuv(rgb);
  const lumaSize = WIDTH * HEIGHT;
  const chromaSize = lumaSize / 4;
  const frame = Buffer.alloc(6 + lumaSize + 2 * chromaSize);
  frame.write('FRAME\n', 0, 'latin1');
  frame.fill(y, 6, 6 + lumaSize);
  frame.fill(u, 6 + lumaSize, 6 + lumaSize + chromaSize);
  frame.fill(v, 6 + lumaSize + chromaSize);
  const frames = Array.from({ length: FPS * SECONDS }, () => frame);
  return Buffer.concat([Buffer.from(HEADER, 'latin1'), ...frames]);
}

/** Writes every colour's file unless it is already there (the name carries the colour). */
export function writeCameraFiles(): void {
  mkdirSync(CAMERA_DIR, { recursive: true });
  for (const colour of Object.keys(CAMERA_COLOURS) as CameraColour[]) {
    const file = cameraFile(colour);
    if (existsSync(file)) continue;
    // Written aside and renamed, so an interrupted run never leaves half a clip.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, solidColourY4m(CAMERA_COLOURS[colour]));
    renameSync(partial, file);
  }
}
