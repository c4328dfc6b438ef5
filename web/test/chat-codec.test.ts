import { describe, expect, it } from 'vitest';
import { ChatCodec } from '../src/lib/chat/chat-codec';
import { DATA_LIMITS, encodeMessage, type DataMessage } from '../src/lib/chat/data-protocol';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const frame = (message: DataMessage | string): Uint8Array =>
  new TextEncoder().encode(typeof message === 'string' ? message : encodeMessage(message));

describe('ChatCodec', () => {
  it('writes our text, refusing blank or too long messages', () => {
    const codec = new ChatCodec();
    expect(codec.text('hi')).toBe('{"type":"text","text":"hi"}');
    expect(codec.text(' \n ')).toBeUndefined();
    expect(codec.text('x'.repeat(DATA_LIMITS.textLength + 1))).toBeUndefined();
    expect(codec.bye()).toBe('{"type":"bye"}');
  });

  it('writes our picture as chunk frames, refusing one over the limit', () => {
    const codec = new ChatCodec();
    const frames = codec.image('pic1', JPEG, 'image/jpeg') ?? [];
    expect(frames.map((f) => (JSON.parse(f) as { type: string }).type)).toEqual([
      'image-start',
      'image-chunk',
      'image-end',
    ]);
    expect(codec.image('pic2', new Uint8Array(DATA_LIMITS.imageBytes + 1), 'image/png')).toBe(
      undefined,
    );
  });

  it('reads the stranger’s frames: text, bye, pictures as they arrive, refusals with a reason', () => {
    const codec = new ChatCodec();
    expect(codec.read(frame({ type: 'text', text: 'hey' }))).toEqual({ type: 'text', text: 'hey' });
    expect(codec.read(frame({ type: 'bye' }))).toEqual({ type: 'bye' });
    const sender = new ChatCodec();
    const events = (sender.image('pic1', JPEG, 'image/jpeg') ?? []).map((f) =>
      codec.read(new TextEncoder().encode(f)),
    );
    expect(events).toMatchObject([
      { type: 'image', event: { kind: 'started', id: 'pic1' } },
      { type: 'image', event: { kind: 'progress', received: JPEG.length } },
      { type: 'image', event: { kind: 'complete', bytes: JPEG } },
    ]);
    expect(codec.read(frame('{"type":"text"}'))).toEqual({ type: 'refused', reason: 'malformed' });
    expect(codec.read(frame('not json'))).toEqual({ type: 'refused', reason: 'not-json' });
  });

  it('writes and reads "typing", refusing one with anything more in it', () => {
    const codec = new ChatCodec();
    expect(codec.typing()).toBe('{"type":"typing"}');
    expect(codec.read(frame({ type: 'typing' }))).toEqual({ type: 'typing' });
    expect(codec.read(frame('{"type":"typing","text":"what I typed so far"}'))).toEqual({
      type: 'refused',
      reason: 'malformed',
    });
    expect(codec.read(frame('{"type":"typing","at":1}'))).toEqual({
      type: 'refused',
      reason: 'malformed',
    });
  });
});
