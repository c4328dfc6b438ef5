import { describe, expect, it } from 'vitest';
import {
  DATA_LIMITS,
  decodeMessage,
  encodeMessage,
  type DataMessage,
} from '../src/lib/chat/data-protocol';
import { ImageAssembler, splitImage, type AssemblyEvent } from '../src/lib/chat/image-transfer';

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

function jpeg(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7) % 251;
  bytes.set([0xff, 0xd8, 0xff]);
  return bytes;
}

/** Sends messages through the wire format, as the stranger's browser would. */
function receive(assembler: ImageAssembler, messages: DataMessage[]): AssemblyEvent[] {
  return messages.flatMap((message) => {
    const decoded = decodeMessage(new TextEncoder().encode(encodeMessage(message)));
    if (!decoded.ok) return [{ kind: 'rejected' as const, id: undefined, reason: decoded.reason }];
    const event = assembler.accept(decoded.message);
    return event === undefined ? [] : [event];
  });
}

describe('image chunking and reassembly', () => {
  it('reassembles a multi-chunk image byte for byte, reporting progress', () => {
    const image = jpeg(DATA_LIMITS.chunkBytes * 2 + 100);
    const messages = splitImage('a1', image, 'image/jpeg');
    expect(messages).toHaveLength(5);
    const events = receive(new ImageAssembler(), messages);
    expect(events.map((e) => e.kind)).toEqual([
      'started',
      'progress',
      'progress',
      'progress',
      'complete',
    ]);
    const complete = events.at(-1);
    expect(complete?.kind === 'complete' && complete.bytes).toEqual(image);
    for (const message of messages) {
      expect(new TextEncoder().encode(encodeMessage(message)).byteLength).toBeLessThanOrEqual(
        DATA_LIMITS.frameBytes,
      );
    }
  });

  it('refuses to split an image over the size limit', () => {
    expect(() => splitImage('a1', jpeg(DATA_LIMITS.imageBytes + 1), 'image/jpeg')).toThrow(
      RangeError,
    );
  });

  it('rejects an announced image over the limit or with a wrong chunk count', () => {
    const tooLarge = {
      type: 'image-start',
      id: 'a',
      mime: 'image/jpeg',
      size: DATA_LIMITS.imageBytes + 1,
      chunks: 171,
    };
    expect(decodeMessage(bytesOf(tooLarge))).toEqual({ ok: false, reason: 'image-too-large' });
    const lying = { type: 'image-start', id: 'a', mime: 'image/jpeg', size: 100, chunks: 9 };
    expect(decodeMessage(bytesOf(lying)).ok).toBe(false);
    const svg = { type: 'image-start', id: 'a', mime: 'image/svg+xml', size: 100, chunks: 1 };
    expect(decodeMessage(bytesOf(svg)).ok).toBe(false);
  });

  it('rejects chunks out of order, of the wrong size, or for another image', () => {
    const messages = splitImage('a1', jpeg(DATA_LIMITS.chunkBytes + 10), 'image/jpeg');
    const [start, first, second] = messages as [DataMessage, DataMessage, DataMessage];
    expect(receive(new ImageAssembler(), [start, second]).at(-1)).toMatchObject({
      kind: 'rejected',
      reason: 'chunk-out-of-order',
    });
    const short = { ...first, data: 'AAAA' } as DataMessage;
    expect(receive(new ImageAssembler(), [start, short]).at(-1)).toMatchObject({
      reason: 'chunk-size-mismatch',
    });
    const other = { ...first, id: 'b2' } as DataMessage;
    expect(receive(new ImageAssembler(), [start, other]).at(-1)).toMatchObject({
      reason: 'unexpected-chunk',
    });
  });

  it('rejects an image that ends early, overlaps another or is not a JPEG/PNG', () => {
    const messages = splitImage('a1', jpeg(DATA_LIMITS.chunkBytes + 10), 'image/jpeg');
    const end = messages.at(-1) as DataMessage;
    expect(receive(new ImageAssembler(), [messages[0] as DataMessage, end]).at(-1)).toMatchObject({
      reason: 'image-incomplete',
    });
    expect(
      receive(new ImageAssembler(), [messages[0] as DataMessage, messages[0] as DataMessage]).at(
        -1,
      ),
    ).toMatchObject({
      reason: 'overlapping-image',
    });
    const fake = jpeg(500);
    fake.set([0x3c, 0x73, 0x76, 0x67]); // "<svg"
    expect(
      receive(new ImageAssembler(), splitImage('a2', fake, 'image/jpeg')).at(-1),
    ).toMatchObject({
      reason: 'not-an-image',
    });
  });

  it('accepts a limited number of images per chat', () => {
    const assembler = new ImageAssembler();
    for (let i = 0; i < DATA_LIMITS.imagesPerChat; i++) {
      expect(receive(assembler, splitImage(`i${i}`, jpeg(50), 'image/jpeg')).at(-1)?.kind).toBe(
        'complete',
      );
    }
    expect(receive(assembler, splitImage('last', jpeg(50), 'image/jpeg'))[0]).toMatchObject({
      reason: 'too-many-images',
    });
  });
});

describe('data channel message validation', () => {
  it('accepts a well-formed text message', () => {
    expect(decodeMessage(bytesOf({ type: 'text', text: 'hi' }))).toEqual({
      ok: true,
      message: { type: 'text', text: 'hi' },
    });
  });

  it.each([
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['not JSON', new TextEncoder().encode('hello')],
    ['an array', bytesOf([1, 2])],
    ['an unknown type', bytesOf({ type: 'script', src: 'x' })],
    ['extra fields', bytesOf({ type: 'text', text: 'hi', html: '<b>' })],
    ['a non-string text', bytesOf({ type: 'text', text: 42 })],
    ['blank text', bytesOf({ type: 'text', text: '   ' })],
    [
      'text over the limit',
      bytesOf({ type: 'text', text: 'x'.repeat(DATA_LIMITS.textLength + 1) }),
    ],
    ['a frame over the limit', new Uint8Array(DATA_LIMITS.frameBytes + 1)],
    ['a bad id', bytesOf({ type: 'image-end', id: '../../etc' })],
    ['a goodbye with a payload', bytesOf({ type: 'bye', text: 'smuggled' })],
    ['a negative index', bytesOf({ type: 'image-chunk', id: 'a', index: -1, data: 'AAAA' })],
    ['non-base64 data', bytesOf({ type: 'image-chunk', id: 'a', index: 0, data: 'AA!A' })],
    [
      'an oversized chunk',
      bytesOf({ type: 'image-chunk', id: 'a', index: 0, data: 'A'.repeat(16388) }),
    ],
  ])('rejects %s', (_name, bytes) => {
    expect(decodeMessage(bytes).ok).toBe(false);
  });
});
