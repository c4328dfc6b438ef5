/**
 * Messages on the WebRTC data channel, strangers' browsers to each other. One JSON object per
 * data channel message. Whatever arrives comes from an untrusted browser: every field is checked
 * and anything unexpected is rejected, never guessed at.
 */

export const DATA_LIMITS = {
  /** Largest data channel message accepted, in bytes (an image chunk is ~16.5 KB). */
  frameBytes: 24 * 1024,
  /** Longest text message, in UTF-16 code units. */
  textLength: 1000,
  /** Largest image, after re-encoding, in bytes. */
  imageBytes: 2 * 1024 * 1024,
  /** Raw bytes per image chunk (base64 on the wire). */
  chunkBytes: 12 * 1024,
  /** Images a stranger may send in one chat. */
  imagesPerChat: 20,
} as const;

export const IMAGE_TYPES = ['image/jpeg', 'image/png'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export type DataMessage =
  | { type: 'text'; text: string }
  | { type: 'image-start'; id: string; mime: ImageType; size: number; chunks: number }
  | { type: 'image-chunk'; id: string; index: number; data: string }
  | { type: 'image-end'; id: string }
  /** The sender is leaving this chat (Next, Stop, Report...): sent just before it closes. */
  | { type: 'bye' }
  /** "Still here": every second while the chat is open, so that a silent break shows at once. */
  | { type: 'hb' }
  /** The sender is typing a message: sent now and then while they type (see ChatConnection). */
  | { type: 'typing' };

export type DecodeResult = { ok: true; message: DataMessage } | { ok: false; reason: string };

const ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

export function chunkCount(size: number): number {
  return Math.ceil(size / DATA_LIMITS.chunkBytes);
}

export function encodeMessage(message: DataMessage): string {
  return JSON.stringify(message);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const actual = Object.keys(value);
  return actual.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

/** Decodes and validates one received data channel message. */
export function decodeMessage(bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength > DATA_LIMITS.frameBytes) return { ok: false, reason: 'too-large' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, reason: 'not-json' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not-an-object' };
  }
  const value = parsed as Record<string, unknown>;
  switch (value.type) {
    case 'text':
      if (!hasExactKeys(value, ['type', 'text']) || typeof value.text !== 'string') break;
      if (value.text.length > DATA_LIMITS.textLength) return { ok: false, reason: 'text-too-long' };
      if (value.text.trim() === '') break;
      return { ok: true, message: { type: 'text', text: value.text } };
    case 'image-start': {
      if (!hasExactKeys(value, ['type', 'id', 'mime', 'size', 'chunks'])) break;
      const { id, mime, size, chunks } = value;
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) break;
      if (!IMAGE_TYPES.includes(mime as ImageType)) break;
      if (!isNonNegativeInteger(size) || size === 0) break;
      if (size > DATA_LIMITS.imageBytes) return { ok: false, reason: 'image-too-large' };
      if (chunks !== chunkCount(size)) break;
      return {
        ok: true,
        message: { type: 'image-start', id, mime: mime as ImageType, size, chunks },
      };
    }
    case 'image-chunk': {
      if (!hasExactKeys(value, ['type', 'id', 'index', 'data'])) break;
      const { id, index, data } = value;
      if (typeof id !== 'string' || !ID_PATTERN.test(id) || !isNonNegativeInteger(index)) break;
      if (typeof data !== 'string' || data.length === 0 || data.length % 4 !== 0) break;
      if (data.length > (DATA_LIMITS.chunkBytes / 3) * 4 || !BASE64_PATTERN.test(data)) break;
      return { ok: true, message: { type: 'image-chunk', id, index, data } };
    }
    case 'bye':
    case 'hb':
    case 'typing':
      if (!hasExactKeys(value, ['type'])) break;
      return { ok: true, message: { type: value.type } };
    case 'image-end': {
      if (!hasExactKeys(value, ['type', 'id'])) break;
      if (typeof value.id !== 'string' || !ID_PATTERN.test(value.id)) break;
      return { ok: true, message: { type: 'image-end', id: value.id } };
    }
  }
  return { ok: false, reason: 'malformed' };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes base64 that {@link decodeMessage} has already checked for its alphabet. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
