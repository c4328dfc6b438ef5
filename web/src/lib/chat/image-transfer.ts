/**
 * Images over the data channel: the sender splits re-encoded bytes into chunk messages; the
 * receiver reassembles them under strict limits (one image at a time, declared size and chunk
 * count honoured exactly, chunks in order, a real JPEG or PNG signature at the end).
 */
import {
  DATA_LIMITS,
  base64ToBytes,
  bytesToBase64,
  chunkCount,
  type DataMessage,
  type ImageType,
} from './data-protocol';

export function splitImage(id: string, bytes: Uint8Array, mime: ImageType): DataMessage[] {
  if (bytes.byteLength === 0 || bytes.byteLength > DATA_LIMITS.imageBytes) {
    throw new RangeError(`image of ${bytes.byteLength} bytes is outside the allowed size`);
  }
  const chunks = chunkCount(bytes.byteLength);
  const messages: DataMessage[] = [
    { type: 'image-start', id, mime, size: bytes.byteLength, chunks },
  ];
  for (let index = 0; index < chunks; index++) {
    const start = index * DATA_LIMITS.chunkBytes;
    const data = bytesToBase64(bytes.subarray(start, start + DATA_LIMITS.chunkBytes));
    messages.push({ type: 'image-chunk', id, index, data });
  }
  messages.push({ type: 'image-end', id });
  return messages;
}

const SIGNATURES: Readonly<Record<ImageType, readonly number[]>> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

export function hasImageSignature(bytes: Uint8Array, mime: ImageType): boolean {
  return SIGNATURES[mime].every((byte, i) => bytes[i] === byte);
}

export type AssemblyEvent =
  | { kind: 'started'; id: string; size: number }
  | { kind: 'progress'; id: string; received: number; size: number }
  | { kind: 'complete'; id: string; bytes: Uint8Array<ArrayBuffer>; mime: ImageType }
  | { kind: 'rejected'; id: string | undefined; reason: string };

interface Incoming {
  id: string;
  mime: ImageType;
  size: number;
  chunks: number;
  nextIndex: number;
  received: number;
  buffer: Uint8Array<ArrayBuffer>;
}

/** Reassembles the stranger's images. One instance per chat. */
export class ImageAssembler {
  #incoming: Incoming | undefined;
  #accepted = 0;

  /** Handles one image message; returns what the UI should show. */
  accept(message: DataMessage): AssemblyEvent | undefined {
    switch (message.type) {
      case 'text':
        return undefined;
      case 'image-start': {
        if (this.#incoming !== undefined) {
          // Starting a second image before finishing the first is not something we send.
          return this.#reject('overlapping-image');
        }
        if (this.#accepted >= DATA_LIMITS.imagesPerChat) {
          return { kind: 'rejected', id: message.id, reason: 'too-many-images' };
        }
        this.#accepted++;
        this.#incoming = {
          id: message.id,
          mime: message.mime,
          size: message.size,
          chunks: message.chunks,
          nextIndex: 0,
          received: 0,
          buffer: new Uint8Array(message.size),
        };
        return { kind: 'started', id: message.id, size: message.size };
      }
      case 'image-chunk': {
        const incoming = this.#incoming;
        if (incoming === undefined || incoming.id !== message.id) {
          return this.#reject('unexpected-chunk', message.id);
        }
        if (message.index !== incoming.nextIndex || message.index >= incoming.chunks) {
          return this.#reject('chunk-out-of-order');
        }
        const bytes = base64ToBytes(message.data);
        // Every chunk but the last is full; the last holds the rest.
        const expected = Math.min(DATA_LIMITS.chunkBytes, incoming.size - incoming.received);
        if (bytes.byteLength !== expected) return this.#reject('chunk-size-mismatch');
        incoming.buffer.set(bytes, incoming.received);
        incoming.received += bytes.byteLength;
        incoming.nextIndex++;
        return {
          kind: 'progress',
          id: incoming.id,
          received: incoming.received,
          size: incoming.size,
        };
      }
      case 'image-end': {
        const incoming = this.#incoming;
        if (incoming === undefined || incoming.id !== message.id) {
          return this.#reject('unexpected-end', message.id);
        }
        if (incoming.received !== incoming.size) return this.#reject('image-incomplete');
        if (!hasImageSignature(incoming.buffer, incoming.mime)) return this.#reject('not-an-image');
        this.#incoming = undefined;
        return { kind: 'complete', id: incoming.id, bytes: incoming.buffer, mime: incoming.mime };
      }
    }
  }

  /** Drops an image in progress, e.g. after a malformed message. */
  #reject(reason: string, id?: string): AssemblyEvent {
    const current = this.#incoming?.id;
    this.#incoming = undefined;
    return { kind: 'rejected', id: current ?? id, reason };
  }
}
