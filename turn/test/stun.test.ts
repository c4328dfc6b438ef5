/**
 * The codec against bytes written by others: RFC 5769's test vectors, and the
 * TCP framing of RFC 8656 section 7.2.
 */
import { describe, expect, it } from 'vitest';
import {
  StunAttribute,
  StunClass,
  StunMethod,
  checkMessageIntegrity,
  decodeChannelData,
  decodeStun,
  decodeXorAddress,
  encodeChannelData,
  encodePeerDataIndication,
  findAttribute,
} from '../src/stun.js';
import { StreamDeframer } from '../src/stun-stream.js';

/** RFC 5769 section 2: the short-term password of every sample. */
const PASSWORD = Buffer.from('VOkJxbRl1RmTxUk/WvJxBt');

/** RFC 5769 section 2.1, "Sample Request". */
const SAMPLE_REQUEST = Buffer.from(
  '000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74' +
    '002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014' +
    '9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf',
  'hex',
);

/** RFC 5769 section 2.2, "Sample IPv4 Response": mapped address 192.0.2.1 port 32853. */
const SAMPLE_IPV4_RESPONSE = Buffer.from(
  '0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000200008' +
    '0001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96',
  'hex',
);

describe('STUN decoding (RFC 5769 test vectors)', () => {
  it('reads the sample request: Binding, its attributes, a valid integrity and fingerprint', () => {
    const decoded = decodeStun(SAMPLE_REQUEST);
    if (!decoded.ok) throw new Error(`not decoded: ${decoded.reason}`);
    const { message } = decoded;

    expect(message.method).toBe(StunMethod.Binding);
    expect(message.class).toBe(StunClass.Request);
    expect(findAttribute(message, StunAttribute.Username)?.toString()).toBe('evtj:h6vY');
    expect(findAttribute(message, StunAttribute.Software)?.toString()).toBe('STUN test client');
    expect(checkMessageIntegrity(message, PASSWORD)).toBe('valid');
    expect(message.fingerprint).toBe('valid');
  });

  it('reads the sample IPv4 response’s XOR-MAPPED-ADDRESS', () => {
    const decoded = decodeStun(SAMPLE_IPV4_RESPONSE);
    if (!decoded.ok) throw new Error(`not decoded: ${decoded.reason}`);
    const mapped = findAttribute(decoded.message, StunAttribute.XorMappedAddress);

    expect(decoded.message.class).toBe(StunClass.SuccessResponse);
    expect(mapped && decodeXorAddress(mapped, decoded.message.transactionId)).toEqual({
      address: '192.0.2.1',
      port: 32853,
    });
    expect(checkMessageIntegrity(decoded.message, PASSWORD)).toBe('valid');
  });

  it('notices a changed byte: integrity and fingerprint no longer match', () => {
    const tampered = Buffer.from(SAMPLE_REQUEST);
    tampered[30] = (tampered[30] ?? 0) ^ 0x20;
    const decoded = decodeStun(tampered);
    if (!decoded.ok) throw new Error(`not decoded: ${decoded.reason}`);

    expect(checkMessageIntegrity(decoded.message, PASSWORD)).toBe('invalid');
    expect(decoded.message.fingerprint).toBe('invalid');
  });

  it('tells bytes that are no STUN from a STUN request it cannot read', () => {
    const wrongCookie = Buffer.from(SAMPLE_REQUEST);
    wrongCookie[4] = 0;
    const truncated = SAMPLE_REQUEST.subarray(0, SAMPLE_REQUEST.length - 8);

    expect(decodeStun(wrongCookie)).toEqual({ ok: false, reason: 'not-stun' });
    expect(decodeStun(Buffer.from('4000000400000000', 'hex'))).toEqual({
      ok: false,
      reason: 'not-stun',
    });
    expect(decodeStun(truncated)).toMatchObject({
      ok: false,
      reason: 'malformed',
      header: { method: StunMethod.Binding, class: StunClass.Request },
    });
  });
});

describe('data encodings', () => {
  it('encodes a Data indication that decodes to the same peer and data', () => {
    const peer = { address: '203.0.113.9', port: 5004 };
    const data = Buffer.from('seven b');

    const decoded = decodeStun(encodePeerDataIndication(StunMethod.Data, peer, data));
    if (!decoded.ok) throw new Error(`not decoded: ${decoded.reason}`);
    const address = findAttribute(decoded.message, StunAttribute.XorPeerAddress);

    expect(decoded.message.class).toBe(StunClass.Indication);
    expect(address && decodeXorAddress(address, decoded.message.transactionId)).toEqual(peer);
    expect(findAttribute(decoded.message, StunAttribute.Data)).toEqual(data);
  });

  it('pads ChannelData to four bytes for TCP only, and reads it back either way', () => {
    const data = Buffer.from('odd');

    const udp = encodeChannelData(0x4001, data);
    const tcp = encodeChannelData(0x4001, data, true);

    expect(udp.toString('hex')).toBe('40010003' + data.toString('hex'));
    expect(tcp.toString('hex')).toBe('40010003' + data.toString('hex') + '00');
    expect(decodeChannelData(tcp)).toEqual({ channel: 0x4001, data });
  });
});

describe('TCP framing (RFC 8656 section 7.2)', () => {
  const stun = Buffer.from(SAMPLE_REQUEST);
  const channelData = encodeChannelData(0x4000, Buffer.from('hello'), true);

  function deframe(chunks: readonly Buffer[], maxFrameBytes = 1024) {
    const deframer = new StreamDeframer(maxFrameBytes);
    const frames: Buffer[] = [];
    const problems = chunks.map((chunk) =>
      deframer.push(chunk, (frame) => frames.push(Buffer.from(frame))),
    );
    return { frames, problems, buffered: deframer.bufferedBytes };
  }

  it('cuts STUN messages and padded ChannelData out of one chunk', () => {
    const { frames } = deframe([Buffer.concat([stun, channelData, stun])]);

    expect(frames).toEqual([stun, channelData, stun]);
  });

  it('reassembles frames that arrive a byte at a time', () => {
    const stream = Buffer.concat([channelData, stun]);
    const bytes = Array.from(stream, (byte) => Buffer.from([byte]));

    const { frames, buffered } = deframe(bytes);

    expect(frames).toEqual([channelData, stun]);
    expect(buffered).toBe(0);
  });

  it('holds back an unfinished frame, and nothing more', () => {
    const { frames, buffered } = deframe([Buffer.concat([stun, channelData.subarray(0, 5)])]);

    expect(frames).toEqual([stun]);
    expect(buffered).toBe(5);
  });

  it('gives up on bytes that start no frame, and on frames over the limit', () => {
    const tlsClientHello = Buffer.from('160301020001000200030300', 'hex');

    expect(deframe([Buffer.from('ffff0004', 'hex')]).problems).toEqual(['unframed']);
    expect(deframe([tlsClientHello]).problems).toEqual(['unframed']);
    expect(deframe([stun], stun.length - 1)).toMatchObject({
      frames: [],
      problems: ['frame-too-large'],
      buffered: 0,
    });
  });
});
