/**
 * What one chat's data channel carries, both ways: our messages as frames (a picture split into
 * chunks), the stranger's frames checked and decoded (a picture reassembled). No I/O and no
 * time: the ChatConnection decides when to send and what to make of what came.
 *
 * Nothing reads or writes a data channel before the peer exists, so the codec is loaded with
 * the WebRTC code (peer/browser-peer.ts), not with the page.
 */
import { DATA_LIMITS, decodeMessage, encodeMessage, type ImageType } from './data-protocol';
import { ImageAssembler, splitImage, type AssemblyEvent } from './image-transfer';

/** A frame from the stranger, decoded. */
export type Incoming =
  | { type: 'text'; text: string }
  | { type: 'image'; event: AssemblyEvent }
  /** Not one of our messages, or not a valid one: dropped. */
  | { type: 'refused'; reason: string }
  | { type: 'bye' }
  | { type: 'hb' }
  | { type: 'typing' };

/** One chat's codec: a new stranger gets a new one (pictures are counted per chat). */
export class ChatCodec {
  readonly #assembler = new ImageAssembler();

  /** Our text message, or `undefined` when it is blank or too long to send. */
  text(text: string): string | undefined {
    if (text.trim() === '' || text.length > DATA_LIMITS.textLength) return undefined;
    return encodeMessage({ type: 'text', text });
  }

  /** Our picture as the frames that carry it, or `undefined` when it is too large. */
  image(id: string, bytes: Uint8Array, mime: ImageType): string[] | undefined {
    if (bytes.byteLength > DATA_LIMITS.imageBytes) return undefined;
    return splitImage(id, bytes, mime).map(encodeMessage);
  }

  bye(): string {
    return encodeMessage({ type: 'bye' });
  }

  heartbeat(): string {
    return encodeMessage({ type: 'hb' });
  }

  typing(): string {
    return encodeMessage({ type: 'typing' });
  }

  /** One frame from the stranger, as received (untrusted). */
  read(bytes: Uint8Array): Incoming | undefined {
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) return { type: 'refused', reason: decoded.reason };
    const { message } = decoded;
    if (
      message.type !== 'image-start' &&
      message.type !== 'image-chunk' &&
      message.type !== 'image-end'
    ) {
      return message;
    }
    const event = this.#assembler.accept(message);
    return event === undefined ? undefined : { type: 'image', event };
  }
}
