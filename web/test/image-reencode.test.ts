import { describe, expect, it } from 'vitest';
import { decodeUpright } from '../src/lib/chat/image-reencode';

const picture = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
const bitmap = { width: 4, height: 3 } as ImageBitmap;

describe('decoding a picture the right way up', () => {
  it('asks the browser to apply the picture’s own orientation', async () => {
    const calls: unknown[] = [];
    const decoded = await decodeUpright(picture, async (file, options) => {
      calls.push([file, options]);
      return bitmap;
    });
    expect(decoded).toBe(bitmap);
    expect(calls).toEqual([[picture, { imageOrientation: 'from-image' }]]);
  });

  it('decodes with the browser’s default where it does not know from-image (older Safari)', async () => {
    const calls: unknown[] = [];
    const decoded = await decodeUpright(picture, async (file, options) => {
      calls.push(options);
      if (options !== undefined) throw new TypeError("'from-image' is not a valid enum value");
      return bitmap;
    });
    expect(decoded).toBe(bitmap);
    expect(calls).toEqual([{ imageOrientation: 'from-image' }, undefined]);
  });

  it('does not retry a picture the browser cannot decode', async () => {
    const broken = new DOMException('The source image could not be decoded.', 'InvalidStateError');
    let calls = 0;
    const decoding = decodeUpright(picture, () => {
      calls++;
      return Promise.reject(broken);
    });
    await expect(decoding).rejects.toBe(broken);
    expect(calls).toBe(1);
  });
});
