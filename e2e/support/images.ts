/**
 * Pictures for the image-sharing tests: drawn by the browser, then given
 * metadata by hand (a JPEG APP1 EXIF block, PNG eXIf and tEXt chunks) so a
 * test can prove the picture that arrives carries none of it.
 */
import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { expect, type Locator } from '@playwright/test';
import type { Rgb } from './fake-camera';
import { runInPage, type ScriptHost } from './media';
import type { StrangerDriver } from './stranger-driver';

/** Text planted in the metadata; none of it may reach the other side. */
export const METADATA_MARKERS = ['Exif\0\0', 'MayflyTestCam', 'SecretModel', 'Secret Person'];

/** Four quadrants of distinct colours: top-left, top-right, bottom-left, bottom-right. */
export const QUADRANT_COLOURS: readonly Rgb[] = [
  [220, 30, 30],
  [30, 200, 40],
  [30, 40, 220],
  [245, 245, 245],
];

export interface TestPicture {
  name: string;
  mimeType: 'image/jpeg' | 'image/png';
  buffer: Buffer;
  width: number;
  height: number;
}

/** Draws the quadrant picture in `page` and returns the encoded file. */
async function drawQuadrants(
  page: ScriptHost,
  mimeType: TestPicture['mimeType'],
  width: number,
  height: number,
): Promise<Buffer> {
  const bytes = await runInPage(
    page,
    async ({ mimeType, width, height, colours }) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      if (context === null) throw new Error('no 2d canvas');
      const [halfW, halfH] = [width / 2, height / 2];
      colours.forEach(([r, g, b], index) => {
        context.fillStyle = `rgb(${r} ${g} ${b})`;
        context.fillRect((index % 2) * halfW, Math.floor(index / 2) * halfH, halfW, halfH);
      });
      const blob = await canvas.convertToBlob({ type: mimeType, quality: 0.95 });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    },
    { mimeType, width, height, colours: QUADRANT_COLOURS },
  );
  return Buffer.from(bytes);
}

/** A big-endian TIFF structure as EXIF stores it: camera make and model, and a GPS latitude. */
function exifTiff(): Buffer {
  const make = Buffer.from('MayflyTestCam\0', 'latin1');
  const model = Buffer.from('SecretModel 9\0', 'latin1');
  const ifd0 = 8;
  const gpsIfd = ifd0 + 2 + 3 * 12 + 4;
  const makeAt = gpsIfd + 2 + 2 * 12 + 4;
  const modelAt = makeAt + make.length;
  const latitudeAt = modelAt + model.length;
  const tiff = Buffer.alloc(latitudeAt + 3 * 8);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(ifd0, 4);

  const ASCII = 2;
  const LONG = 4;
  const RATIONAL = 5;
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(count, at + 4);
    tiff.writeUInt32BE(value, at + 8);
  };
  tiff.writeUInt16BE(3, ifd0);
  entry(ifd0 + 2, 0x010f, ASCII, make.length, makeAt); // Make
  entry(ifd0 + 14, 0x0110, ASCII, model.length, modelAt); // Model
  entry(ifd0 + 26, 0x8825, LONG, 1, gpsIfd); // GPS IFD pointer
  tiff.writeUInt32BE(0, ifd0 + 38); // no next IFD

  tiff.writeUInt16BE(2, gpsIfd);
  entry(gpsIfd + 2, 0x0001, ASCII, 2, 0); // GPSLatitudeRef, inline
  tiff.write('N\0', gpsIfd + 2 + 8, 'latin1');
  entry(gpsIfd + 14, 0x0002, RATIONAL, 3, latitudeAt); // GPSLatitude 51° 30' 26"
  tiff.writeUInt32BE(0, gpsIfd + 26);

  make.copy(tiff, makeAt);
  model.copy(tiff, modelAt);
  [51, 30, 26].forEach((value, index) => {
    tiff.writeUInt32BE(value, latitudeAt + index * 8);
    tiff.writeUInt32BE(1, latitudeAt + index * 8 + 4);
  });
  return tiff;
}

/** A JPEG with an APP1 EXIF segment right after its start-of-image marker. */
export async function jpegWithExif(
  page: ScriptHost,
  width = 96,
  height = 64,
): Promise<TestPicture> {
  const jpeg = await drawQuadrants(page, 'image/jpeg', width, height);
  if (jpeg.readUInt16BE(0) !== 0xffd8) throw new Error('the browser did not make a JPEG');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff()]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(payload.length + 2, 2);
  const buffer = Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
  return { name: 'holiday.jpg', mimeType: 'image/jpeg', buffer, width, height };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const PNG_SIGNATURE = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');

/**
 * A PNG of random RGB pixels: no two are alike, and their compressed bytes (which re-encoding
 * in the browser keeps random) make a byte sequence that can only come from this picture.
 */
export function noisePng(name: string, width = 48, height = 48): TestPicture {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, no filter, no interlace
  const row = 1 + width * 3;
  const pixels = randomBytes(row * height);
  for (let y = 0; y < height; y++) pixels[y * row] = 0; // filter type: none
  const buffer = Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return { name, mimeType: 'image/png', buffer, width, height };
}

/** A PNG with eXIf (the same EXIF as the JPEG) and tEXt metadata after its IHDR chunk. */
export async function pngWithMetadata(
  page: ScriptHost,
  width = 80,
  height = 60,
): Promise<TestPicture> {
  const png = await drawQuadrants(page, 'image/png', width, height);
  const afterHeader = 8 + 4 + 4 + 13 + 4; // signature, then IHDR's length, type, data, CRC
  if (png.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('not a PNG');
  const buffer = Buffer.concat([
    png.subarray(0, afterHeader),
    pngChunk('eXIf', exifTiff()),
    pngChunk('tEXt', Buffer.from('Author\0Secret Person', 'latin1')),
    png.subarray(afterHeader),
  ]);
  return { name: 'screenshot.png', mimeType: 'image/png', buffer, width, height };
}

export interface ReceivedPicture {
  url: string;
  bytes: Buffer;
  width: number;
  height: number;
  /** Average colour at the centre of each quadrant, in QUADRANT_COLOURS order. */
  quadrants: Rgb[];
}

/**
 * The size of a picture shown in the page and the average colour at the centre of each
 * quadrant. Runs in the page (self-contained: only its source text gets there).
 */
export async function pictureShownBy(element: Element): Promise<Omit<ReceivedPicture, 'bytes'>> {
  const img = element as HTMLImageElement;
  await img.decode();
  const [width, height] = [img.naturalWidth, img.naturalHeight];
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('no 2d canvas');
  context.drawImage(img, 0, 0);
  const quadrants = [0, 1, 2, 3].map((index) => {
    // The middle half of each quadrant, away from edges that JPEG blurs.
    const x = (index % 2) * (width / 2) + width / 8;
    const y = Math.floor(index / 2) * (height / 2) + height / 8;
    const { data } = context.getImageData(x, y, width / 4, height / 4);
    const sum = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (data[i + c] ?? 0);
    }
    const count = data.length / 4;
    return sum.map((value) => Math.round(value / count)) as unknown as Rgb;
  });
  return { url: img.src, width, height, quadrants };
}

/**
 * The bytes and pixels of a picture shown in the page. The page's CSP forbids
 * fetching its blob: URL from script, so the bytes come from the browser's own
 * record of the image load (`bytesOf`, see Stranger.loadedBytes).
 */
export async function readPicture(
  image: Locator,
  bytesOf: (url: string) => Promise<Buffer>,
): Promise<ReceivedPicture> {
  const picture = await image.evaluate(pictureShownBy);
  return { ...picture, bytes: await bytesOf(picture.url) };
}

/** `received` is `sent` as the stranger's page shows it: same size and colours, no metadata. */
export function expectSamePictureWithoutMetadata(
  received: ReceivedPicture,
  sent: TestPicture,
): void {
  expect({ width: received.width, height: received.height }).toEqual({
    width: sent.width,
    height: sent.height,
  });
  received.quadrants.forEach((colour, index) => {
    const expected = QUADRANT_COLOURS[index] ?? [0, 0, 0];
    const error = Math.max(...colour.map((value, c) => Math.abs(value - (expected[c] ?? 0))));
    expect(error, `quadrant ${index}: ${colour.join(',')} vs ${expected.join(',')}`).toBeLessThan(
      40,
    );
  });
  expect(metadataIn(received.bytes), 'metadata left in the received picture').toEqual([]);
}

/** The planted metadata markers found in `bytes`, and any PNG eXIf or text chunk. */
export function metadataIn(bytes: Buffer): string[] {
  const found = METADATA_MARKERS.filter((marker) => bytes.includes(Buffer.from(marker, 'latin1')));
  for (const chunk of ['eXIf', 'tEXt', 'iTXt', 'zTXt']) {
    if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
      if (bytes.includes(Buffer.from(chunk, 'latin1'))) found.push(`PNG ${chunk} chunk`);
    }
  }
  return found;
}

/**
 * Installed before any page script runs: keeps the Blob behind every object URL the page
 * makes, so a test can read the bytes of a picture the page shows in any engine (the page's
 * CSP forbids fetching a blob: URL from script, and only Playwright reports image loads).
 * Self-contained: only its source text reaches the page.
 */
export function recordObjectUrls(): void {
  const blobs = new Map<string, Blob>();
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (object: Blob | MediaSource): string => {
    const url = createObjectURL(object);
    if (object instanceof Blob) blobs.set(url, object);
    return url;
  };
  Object.defineProperty(window, '__e2eObjectUrls', { value: blobs });
}

/** The bytes behind an object URL the page made (see recordObjectUrls). */
export async function objectUrlBytes(page: StrangerDriver, url: string): Promise<Buffer> {
  const bytes = await page.evaluate(async (wanted: string) => {
    const blobs = (window as unknown as { __e2eObjectUrls?: Map<string, Blob> }).__e2eObjectUrls;
    const blob = blobs?.get(wanted);
    if (blob === undefined) throw new Error(`the page made no object URL ${wanted}`);
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  }, url);
  return Buffer.from(bytes);
}
