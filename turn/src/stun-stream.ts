/**
 * TURN over TCP (RFC 8656 section 7.2): STUN messages and ChannelData follow
 * each other on the stream with nothing in between; each says its own
 * length. This cuts a stream into those frames, holding at most one
 * unfinished frame, and never more than `maxFrameBytes` of it.
 */
import { CHANNEL_DATA_HEADER_LENGTH, MAGIC_COOKIE, STUN_HEADER_LENGTH, paddingOf } from './stun.js';

export type DeframeProblem = 'unframed' | 'frame-too-large';

const EMPTY = Buffer.alloc(0);

/**
 * Length of the STUN message or ChannelData frame at the start of a TCP
 * stream (RFC 8656 section 7.2 framing): STUN is 20 + its length field,
 * ChannelData 4 + its length rounded up to four. Undefined when fewer than 4
 * bytes are there to tell; 'unframed' when the first bits are neither, or a
 * STUN header lacks the magic cookie (the stream is lost: nothing says where
 * the next frame starts).
 */
export function frameLength(stream: Buffer): number | 'unframed' | undefined {
  if (stream.length < 4) return undefined;
  const kind = (stream[0] ?? 0) >> 6;
  const length = stream.readUInt16BE(2);
  if (kind === 0b00) {
    // Checked as soon as it is there: a TLS ClientHello also starts with 00.
    if (stream.length >= 8 && stream.readUInt32BE(4) !== MAGIC_COOKIE) return 'unframed';
    return STUN_HEADER_LENGTH + length;
  }
  if (kind === 0b01) return CHANNEL_DATA_HEADER_LENGTH + length + paddingOf(length);
  return 'unframed';
}

export class StreamDeframer {
  private pending: Buffer = EMPTY;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held back, waiting for the rest of their frame. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /**
   * Hands each whole frame in what came so far to `onFrame` (a view valid
   * only during the call; copy what must outlive it). Returns a problem when
   * the stream cannot go on: bytes that start no frame, or a frame longer
   * than allowed. The caller then closes the connection.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): DeframeProblem | undefined {
    let stream = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const length = frameLength(stream);
      if (length === 'unframed') return this.fail('unframed');
      if (length !== undefined && length > this.maxFrameBytes) return this.fail('frame-too-large');
      if (length === undefined || stream.length < length) break;
      onFrame(stream.subarray(0, length));
      stream = stream.subarray(length);
    }
    // A copy: a view would keep the whole chunk it came from in memory.
    this.pending = stream.length === 0 ? EMPTY : Buffer.from(stream);
    return undefined;
  }

  private fail(problem: DeframeProblem): DeframeProblem {
    this.pending = EMPTY;
    return problem;
  }
}
