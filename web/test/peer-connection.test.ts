import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  PeerConnection,
  type PeerError,
  type SimplePeerConstructor,
  type SimplePeerOptions,
} from '../src/lib/peer/peer-connection';
import { deriveSafetyCode } from '../src/lib/peer/safety-code';
import { flush } from './fakes';

const SDP_A = 'v=0\r\na=fingerprint:sha-256 AA:BB:CC\r\n';
const SDP_B = 'v=0\r\na=fingerprint:sha-256 11:22:33\r\n';

/** Stands in for @thaunknown/simple-peer: a browser cannot run inside Vitest here. */
class FakeSimplePeer extends EventEmitter {
  static last: FakeSimplePeer | undefined;
  readonly signals: unknown[] = [];
  readonly sent: string[] = [];
  destroyed = false;
  bufferedAmount = 0;

  constructor(readonly options: SimplePeerOptions) {
    super();
    FakeSimplePeer.last = this;
  }
  signal(data: unknown): void {
    this.signals.push(data);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  replaceTrack(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

function create(relayOnly = false) {
  const connection = new PeerConnection(FakeSimplePeer as unknown as SimplePeerConstructor, {
    initiator: true,
    iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
    relayOnly,
  });
  const fake = FakeSimplePeer.last;
  if (fake === undefined) throw new Error('not constructed');
  const log: string[] = [];
  const signals: unknown[] = [];
  const errors: PeerError[] = [];
  const data: Uint8Array[] = [];
  connection.on('connected', () => log.push('connected'));
  connection.on('closed', () => log.push('closed'));
  connection.on('signal', (signal) => signals.push(signal));
  connection.on('error', (error) => errors.push(error));
  connection.on('data', (bytes) => data.push(bytes));
  return { connection, fake, log, signals, errors, data };
}

describe('PeerConnection', () => {
  it('configures simple-peer with the ICE servers, relay policy and receive-only offers', () => {
    const { fake } = create(true);
    expect(fake.options).toMatchObject({
      initiator: true,
      trickle: true,
      streams: [],
      config: {
        iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
        iceTransportPolicy: 'relay',
      },
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    expect(create(false).fake.options.config.iceTransportPolicy).toBe('all');
  });

  it('forwards protocol signals and drops what the protocol cannot carry', () => {
    const { fake, signals } = create();
    fake.emit('signal', { type: 'offer', sdp: SDP_A });
    fake.emit('signal', {
      type: 'candidate',
      candidate: {
        candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    });
    fake.emit('signal', { type: 'transceiverRequest', transceiverRequest: { kind: 'video' } });
    fake.emit('signal', { type: 'renegotiate', renegotiate: true });
    expect(signals).toEqual([
      { type: 'offer', sdp: SDP_A },
      {
        type: 'candidate',
        candidate: {
          candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
        },
      },
      { type: 'renegotiate', renegotiate: true },
    ]);
  });

  it('emits connected once and lets messages through only while connected', () => {
    const { connection, fake, log } = create();
    expect(connection.send('early')).toBe(false);
    fake.emit('connect');
    fake.emit('connect');
    expect(log).toEqual(['connected']);
    expect(connection.send('hello')).toBe(true);
    expect(fake.sent).toEqual(['hello']);
  });

  it('passes data on as bytes and ignores anything that is not a Uint8Array', () => {
    const { fake, data } = create();
    fake.emit('data', new Uint8Array([1, 2]));
    fake.emit('data', 'a string');
    expect(data).toEqual([new Uint8Array([1, 2])]);
  });

  it('maps simple-peer error codes to kinds, then reports closed once', () => {
    const { fake, errors, log } = create();
    fake.emit('error', Object.assign(new Error('ice'), { code: 'ERR_ICE_CONNECTION_FAILURE' }));
    fake.emit('error', new Error('no code'));
    fake.emit('close');
    fake.emit('close');
    expect(errors).toEqual([
      { kind: 'connection-failed', code: 'ERR_ICE_CONNECTION_FAILURE' },
      { kind: 'other', code: 'ERR_UNKNOWN' },
    ]);
    expect(log).toEqual(['closed']);
  });

  it('goes silent after destroy()', () => {
    const { connection, fake, log, signals } = create();
    connection.destroy();
    expect(fake.destroyed).toBe(true);
    fake.emit('connect');
    fake.emit('signal', { type: 'offer', sdp: SDP_A });
    fake.emit('close');
    expect(log).toEqual([]);
    expect(signals).toEqual([]);
    expect(connection.send('x')).toBe(false);
  });

  it('derives the safety code from its own and the received description', async () => {
    const { connection, fake } = create();
    const codes: string[] = [];
    connection.on('safetyCode', (code) => codes.push(code));
    fake.emit('signal', { type: 'offer', sdp: SDP_A });
    connection.signal({ type: 'answer', sdp: SDP_B });
    expect(fake.signals).toEqual([{ type: 'answer', sdp: SDP_B }]);
    await flush();
    expect(codes).toEqual([await deriveSafetyCode(SDP_B, SDP_A)]);
    expect(connection.safetyCode).toBe(codes[0]);
  });
});
