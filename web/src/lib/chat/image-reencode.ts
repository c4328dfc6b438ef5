/**
 * Re-encodes a picture in this browser before it is sent: decoding and drawing it on a canvas
 * keeps only the pixels, so EXIF (GPS position, camera, time) never leaves the device.
 */
import { DATA_LIMITS, type ImageType } from './data-protocol';

/** Largest file we try to decode at all. */
const INPUT_MAX_BYTES = 40 * 1024 * 1024;
const MAX_SIDE = 1600;

/**
 * Decodes the picture the right way up (EXIF orientation applied, then dropped with the rest).
 * Browsers from before `from-image` (older Safari, whose values were `none` and `flipY`) refuse
 * the option with a TypeError; their default already applies the orientation.
 */
export async function decodeUpright(
  file: Blob,
  decode: (file: Blob, options?: ImageBitmapOptions) => Promise<ImageBitmap> = (...args) =>
    createImageBitmap(...args),
): Promise<ImageBitmap> {
  try {
    return await decode(file, { imageOrientation: 'from-image' });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return decode(file);
  }
}

export async function reencodeImage(
  file: Blob,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; mime: ImageType }> {
  if (file.size > INPUT_MAX_BYTES) throw new RangeError('file too large to decode');
  const bitmap = await decodeUpright(file);
  try {
    let scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    // PNG keeps transparency and sharp text; JPEG for photos and as the fallback when too big.
    const preferPng = file.type === 'image/png' || file.type === 'image/gif';
    for (let attempt = 0; attempt < 6; attempt++) {
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('canvas 2d context unavailable');
      const mime: ImageType = preferPng && attempt === 0 ? 'image/png' : 'image/jpeg';
      if (mime === 'image/jpeg') {
        context.fillStyle = '#fff';
        context.fillRect(0, 0, width, height);
      }
      context.drawImage(bitmap, 0, 0, width, height);
      const blob = await new Promise<Blob | null>((resolve) => {
        canvas.toBlob(resolve, mime, 0.85 - attempt * 0.08);
      });
      if (blob === null) throw new Error('canvas could not encode the picture');
      if (blob.size <= DATA_LIMITS.imageBytes) {
        return { bytes: new Uint8Array(await blob.arrayBuffer()), mime };
      }
      if (attempt > 0) scale *= 0.75;
    }
    throw new RangeError('picture still too large after shrinking');
  } finally {
    bitmap.close();
  }
}
