import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  PeerConnection,
  routeFromStats,
  OUTBOX_MAX_BYTES,
  TRANSPORT_FAILED_EVENT,
  type PeerError,
  type PeerOptions,
  type SimplePeerConstructor,
  type SimplePeerOptions,
} from '../src/lib/peer/peer-connection';
import { deriveSafetyCode } from '../src/lib/peer/safety-code';
import type { Signal } from '@mayfly/protocol';
import { flush } from './fakes';

const SDP_A = 'v=0\r\na=fingerprint:sha-256 AA:BB:CC\r\n';
const SDP_B = 'v=0\r\na=fingerprint:sha-256 11:22:33\r\n';

/** Stands in for @thaunknown/simple-peer: a browser cannot run inside Vitest here. */
class FakeSimplePeer extends EventEmitter {
  static last: FakeSimplePeer | undefined;
  readonly signals: unknown[] = [];
  readonly sent: string[] = [];
  readonly restarts: unknown[] = [];
  destroyed = false;
  bufferedAmount = 0;
  stats: unknown[] = [];

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
  restartIce(iceServers: unknown): void {
    this.restarts.push(iceServers);
  }
  destroy(): void {
    this.destroyed = true;
  }
  getStats(callback: (error: Error | null, reports: unknown[]) => void): void {
    queueMicrotask(() => callback(null, this.stats));
  }
}

/** A report shaped like Chrome's getStats(): a transport naming its selected candidate pair. */
function chromeStats(local: string, remote: string): unknown[] {
  return [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPb', dtlsState: 'connected' },
    // A pair that was tried first and is no longer used must not decide the answer.
    {
      id: 'CPa',
      type: 'candidate-pair',
      localCandidateId: 'I-relay',
      remoteCandidateId: 'I-remote',
      state: 'succeeded',
      nominated: false,
    },
    {
      id: 'CPb',
      type: 'candidate-pair',
      localCandidateId: 'I-local',
      remoteCandidateId: 'I-remote',
      state: 'succeeded',
      nominated: true,
    },
    { id: 'I-relay', type: 'local-candidate', candidateType: 'relay', address: '198.51.100.9' },
    { id: 'I-local', type: 'local-candidate', candidateType: local, address: '192.0.2.10' },
    { id: 'I-remote', type: 'remote-candidate', candidateType: remote, address: '203.0.113.7' },
    { id: 'OT01', type: 'outbound-rtp', kind: 'video' },
  ];
}

function create(relayOnly = false, more: Partial<PeerOptions> = {}) {
  const connection = new PeerConnection(FakeSimplePeer as unknown as SimplePeerConstructor, {
    initiator: true,
    iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }],
    relayOnly,
    ...more,
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

  it('says a message was not sent when the channel refuses it (closed before its close event)', () => {
    const { connection, fake } = create();
    fake.emit('connect');
    fake.send = () => {
      throw new DOMException('closed', 'InvalidStateError');
    };
    expect(connection.send('late')).toBe(false);
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

  it('derives the safety code from its own and the received description once it is open', async () => {
    const { connection, fake } = create();
    const codes: string[] = [];
    // The digest is the platform's (crypto.subtle), which may settle after many turns of the
    // event loop on a loaded machine: wait for the event rather than a fixed number of ticks.
    const heard = new Promise<void>((resolve) =>
      connection.on('safetyCode', (code) => {
        codes.push(code);
        resolve();
      }),
    );
    fake.emit('signal', { type: 'offer', sdp: SDP_A });
    connection.signal({ type: 'answer', sdp: SDP_B });
    expect(fake.signals).toEqual([{ type: 'answer', sdp: SDP_B }]);
    fake.emit('iceStateChange', 'connected', 'complete');
    fake.emit('connect');
    await heard;
    await flush();
    expect(codes).toEqual([await deriveSafetyCode(SDP_B, SDP_A)]);
    expect(connection.safetyCode).toBe(codes[0]);
  });

  it('answering, holds the stranger’s candidates until its answer has left, then adds them in order', () => {
    const { connection, fake, signals } = create(false, { initiator: false });
    const candidate = (n: number): Signal => ({
      type: 'candidate',
      candidate: {
        candidate: `candidate:${n} 1 udp 1 10.0.0.${n} 5000 typ host`,
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    });
    connection.signal(candidate(1)); // before any offer
    connection.signal({ type: 'offer', sdp: SDP_A });
    connection.signal(candidate(2));
    // simple-peer would add them before it makes the answer: the answer waits for none of them.
    expect(fake.signals).toEqual([{ type: 'offer', sdp: SDP_A }]);
    const seenWhenAnswerLeft: unknown[] = [];
    connection.on('signal', (signal) => {
      if (signal.type === 'answer') seenWhenAnswerLeft.push(...fake.signals);
    });
    fake.emit('signal', { type: 'answer', sdp: SDP_B });
    expect(signals).toEqual([{ type: 'answer', sdp: SDP_B }]);
    expect(seenWhenAnswerLeft).toEqual([{ type: 'offer', sdp: SDP_A }]);
    expect(fake.signals).toEqual([{ type: 'offer', sdp: SDP_A }, candidate(1), candidate(2)]);
    connection.signal(candidate(3)); // answered: straight in
    expect(fake.signals.at(-1)).toEqual(candidate(3));
    // An ICE restart's offer: its candidates wait for our new answer the same way.
    connection.signal({ type: 'offer', sdp: SDP_A });
    connection.signal(candidate(4));
    expect(fake.signals.at(-1)).toEqual({ type: 'offer', sdp: SDP_A });
    fake.emit('signal', { type: 'answer', sdp: SDP_B });
    expect(fake.signals.at(-1)).toEqual(candidate(4));
  });

  it('as the initiator, adds the stranger’s candidates at once', () => {
    const { connection, fake } = create();
    const candidate: Signal = {
      type: 'candidate',
      candidate: {
        candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    };
    connection.signal(candidate);
    expect(fake.signals).toEqual([candidate]);
    // An offer the initiator never answers (a stranger's mistake) holds nothing back either.
    connection.signal({ type: 'offer', sdp: SDP_B });
    connection.signal(candidate);
    expect(fake.signals).toEqual([candidate, { type: 'offer', sdp: SDP_B }, candidate]);
  });

  it('derives the safety code only once the connection is open, off the way of the answer and the first candidates', async () => {
    const { connection, fake } = create(false, { initiator: false });
    let digests = 0;
    const originalDigest = crypto.subtle.digest.bind(crypto.subtle);
    const spy = (async (...args: Parameters<SubtleCrypto['digest']>) => {
      digests++;
      return originalDigest(...args);
    }) as SubtleCrypto['digest'];
    const subtle = crypto.subtle as { digest: SubtleCrypto['digest'] };
    subtle.digest = spy;
    try {
      connection.signal({ type: 'offer', sdp: SDP_A });
      fake.emit('signal', { type: 'answer', sdp: SDP_B });
      fake.emit('signal', {
        type: 'candidate',
        candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0' },
      });
      fake.emit('iceStateChange', 'connected', 'complete');
      await flush();
      expect(digests).toBe(0);
      fake.emit('connect');
      expect(digests).toBe(1);
      // An ICE restart keeps the connection and its certificates: nothing to derive again.
      connection.signal({ type: 'offer', sdp: SDP_A });
      fake.emit('signal', { type: 'answer', sdp: SDP_B });
      expect(digests).toBe(1);
    } finally {
      subtle.digest = originalDigest;
    }
  });

  it('reads the route from the stats, and says when ICE comes back after a drop', async () => {
    const { connection, fake } = create();
    const reconnects: string[] = [];
    connection.on('iceReconnected', () => reconnects.push('again'));
    fake.emit('iceStateChange', 'checking', 'gathering');
    fake.emit('iceStateChange', 'connected', 'complete');
    fake.emit('connect');
    fake.stats = chromeStats('host', 'srflx');
    expect(await connection.routeType()).toBe('direct');
    fake.emit('iceStateChange', 'completed', 'complete');
    expect(reconnects).toEqual([]); // still up: nothing changed
    fake.emit('iceStateChange', 'disconnected', 'complete');
    fake.emit('iceStateChange', 'connected', 'complete');
    expect(reconnects).toEqual(['again']);
    fake.stats = chromeStats('relay', 'srflx');
    expect(await connection.routeType()).toBe('relayed');
    connection.destroy();
    expect(await connection.routeType()).toBeUndefined();
  });
});

/** The fake made last: the one a rebuild just created. */
function lastFake(): FakeSimplePeer {
  if (FakeSimplePeer.last === undefined) throw new Error('not constructed');
  return FakeSimplePeer.last;
}

/** A connection that opened, then whose transport failed: it needs a rebuild. */
function failedAfterOpening(initiator = true) {
  const certificate = { expires: 1 } as unknown as RTCCertificate;
  const stream = { id: 'camera' } as unknown as MediaStream;
  const made = create(true, { initiator, certificate, stream });
  const interrupted: string[] = [];
  const reconnects: string[] = [];
  made.connection.on('iceInterrupted', (state) => interrupted.push(state));
  made.connection.on('iceReconnected', () => reconnects.push('again'));
  made.fake.emit('iceStateChange', 'connected', 'complete');
  made.fake.emit('connect');
  made.fake.emit(TRANSPORT_FAILED_EVENT);
  made.fake.emit(TRANSPORT_FAILED_EVENT); // reported once
  return { ...made, certificate, stream, interrupted, reconnects };
}

describe('PeerConnection: a connection whose transport failed is rebuilt', () => {
  it('reports the failure as an interruption, and keeps messages for the rebuilt connection', () => {
    const { connection, fake, log, interrupted } = failedAfterOpening();
    expect(interrupted).toEqual(['failed']);
    expect(log).toEqual(['connected']); // not closed: the chat goes on
    expect(connection.send('still there?')).toBe(true);
    expect(fake.sent).toEqual([]); // the old channel is gone
    expect(connection.bufferedAmount).toBe('still there?'.length);
    expect(connection.send('x'.repeat(OUTBOX_MAX_BYTES))).toBe(false); // bounded
  });

  it('on the next restart, tells the stranger, then builds a new peer like the first with the latest ICE servers', () => {
    const { connection, fake, signals, certificate, stream } = failedAfterOpening();
    const fresh = [{ urls: 'turn:127.0.0.1:3478', username: 'u2', credential: 'p2' }];
    connection.restartIce(fresh);
    const rebuilt = lastFake();
    expect(rebuilt).not.toBe(fake);
    expect(fake.destroyed).toBe(true);
    expect(fake.restarts).toEqual([]); // no ICE restart on a dead transport
    expect(connection.generation).toBe(1);
    expect(rebuilt.options).toMatchObject({
      initiator: true,
      streams: [stream],
      config: { iceServers: fresh, iceTransportPolicy: 'relay', certificates: [certificate] },
    });
    // The rebuild request leaves before anything of the new connection.
    rebuilt.emit('signal', { type: 'offer', sdp: SDP_A });
    expect(signals).toEqual([
      { type: 'rebuild', generation: 1 },
      { type: 'offer', sdp: SDP_A },
    ]);
    // The old peer is silent from now on.
    fake.emit('signal', { type: 'candidate', candidate: { candidate: 'old' } });
    fake.emit('close');
    expect(signals).toHaveLength(2);
  });

  it('drops the stranger’s signals for the old connection until their side has rebuilt too', () => {
    const { connection } = failedAfterOpening();
    connection.restartIce([]);
    const rebuilt = lastFake();
    connection.signal({ type: 'answer', sdp: SDP_B }); // to our old, lost offer
    connection.signal({ type: 'renegotiate', renegotiate: true });
    expect(rebuilt.signals).toEqual([]);
    connection.signal({ type: 'rebuild', generation: 1 }); // their side followed
    expect(lastFake()).toBe(rebuilt); // no second rebuild
    connection.signal({ type: 'answer', sdp: SDP_B });
    expect(rebuilt.signals).toEqual([{ type: 'answer', sdp: SDP_B }]);
  });

  it('sends what waited, in order, once the new data channel opens; ICE back is news, connected is not', () => {
    const { connection, log, reconnects } = failedAfterOpening();
    connection.send('one');
    connection.send('two');
    connection.restartIce([]);
    const rebuilt = lastFake();
    rebuilt.emit('iceStateChange', 'connected', 'complete');
    rebuilt.emit('connect');
    expect(rebuilt.sent).toEqual(['one', 'two']);
    expect(reconnects).toEqual(['again']);
    expect(log).toEqual(['connected']);
    expect(connection.bufferedAmount).toBe(0);
    connection.send('three');
    expect(rebuilt.sent).toEqual(['one', 'two', 'three']);
  });

  it('follows a stranger who rebuilt: a new answering peer, and our own rebuild signal first', () => {
    const { connection, signals } = create(false, { initiator: false });
    const first = lastFake();
    first.emit('connect');
    connection.signal({ type: 'rebuild', generation: 1 });
    const rebuilt = lastFake();
    expect(rebuilt).not.toBe(first);
    expect(first.destroyed).toBe(true);
    expect(rebuilt.options.initiator).toBe(false);
    expect(signals).toEqual([{ type: 'rebuild', generation: 1 }]);
    connection.signal({ type: 'offer', sdp: SDP_A });
    expect(rebuilt.signals).toEqual([{ type: 'offer', sdp: SDP_A }]);
    // A request that crossed ours, or an old one, changes nothing.
    connection.signal({ type: 'rebuild', generation: 1 });
    connection.signal({ type: 'rebuild', generation: 0 });
    expect(lastFake()).toBe(rebuilt);
  });

  it('rebuilds again a rebuilt connection that never opened; an open one gets an ICE restart', () => {
    const { connection } = failedAfterOpening();
    connection.restartIce([]);
    connection.restartIce([]);
    expect(connection.generation).toBe(2);
    const rebuilt = lastFake();
    rebuilt.emit('connect');
    connection.restartIce([]);
    expect(lastFake()).toBe(rebuilt);
    expect(rebuilt.restarts).toHaveLength(1);
  });

  it('keeps the safety code when the rebuilt connection has the same fingerprints, and reports a new one when not', async () => {
    const { connection, fake } = failedAfterOpening();
    const codes: string[] = [];
    connection.on('safetyCode', (code) => codes.push(code));
    const derived = async (expected: number): Promise<void> => {
      await expect.poll(() => codes.length).toBe(expected);
    };
    // Opened before the descriptions: the code comes as soon as both are known.
    fake.emit('signal', { type: 'offer', sdp: SDP_A });
    connection.signal({ type: 'answer', sdp: SDP_B });
    fake.emit('connect');
    await derived(1);
    // Each rebuilt connection opens again: its code is derived then.
    const open = (): void => {
      lastFake().emit('iceStateChange', 'connected', 'complete');
      lastFake().emit('connect');
    };
    connection.restartIce([]);
    connection.signal({ type: 'rebuild', generation: 1 });
    lastFake().emit('signal', { type: 'offer', sdp: SDP_A });
    connection.signal({ type: 'answer', sdp: SDP_B });
    open();
    await flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(codes).toHaveLength(1); // the same code: nothing to say
    // A stranger whose browser made a new certificate: a new code, and the page is told.
    connection.restartIce([]);
    connection.signal({ type: 'rebuild', generation: 2 });
    lastFake().emit('signal', { type: 'offer', sdp: SDP_A });
    const SDP_C = 'v=0\r\na=fingerprint:sha-256 44:55:66\r\n';
    connection.signal({ type: 'answer', sdp: SDP_C });
    await flush();
    expect(codes).toHaveLength(1); // not open yet
    open();
    await derived(2);
    expect(codes[1]).toBe(await deriveSafetyCode(SDP_C, SDP_A));
    expect(connection.safetyCode).toBe(codes[1]);
  });
});

describe('routeFromStats', () => {
  it('follows the transport to the selected pair and its local candidate', () => {
    expect(routeFromStats(chromeStats('host', 'host'))).toBe('direct');
    expect(routeFromStats(chromeStats('srflx', 'prflx'))).toBe('direct');
    expect(routeFromStats(chromeStats('relay', 'host'))).toBe('relayed');
  });

  it('calls a pair relayed when only the stranger uses a relay', () => {
    expect(routeFromStats(chromeStats('host', 'relay'))).toBe('relayed');
  });

  it('accepts a Map-like report (RTCStatsReport.values())', () => {
    const report = new Map(
      chromeStats('relay', 'relay').map((stats) => [(stats as { id: string }).id, stats]),
    );
    expect(routeFromStats(report.values())).toBe('relayed');
  });

  it('falls back to the selected, then the nominated succeeded pair without a transport', () => {
    const candidates = [
      { id: 'L1', type: 'local-candidate', candidateType: 'host' },
      { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
      { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' },
    ];
    const pair = (id: string, local: string, extra: object) => ({
      id,
      type: 'candidate-pair',
      localCandidateId: local,
      remoteCandidateId: 'R1',
      ...extra,
    });
    // Firefox marks the pair in use with `selected`.
    expect(
      routeFromStats([
        ...candidates,
        pair('P1', 'L1', { state: 'succeeded', nominated: true }),
        pair('P2', 'L2', { state: 'succeeded', selected: true }),
      ]),
    ).toBe('relayed');
    expect(
      routeFromStats([
        ...candidates,
        pair('P1', 'L2', { state: 'in-progress', nominated: true }),
        pair('P2', 'L1', { state: 'succeeded', nominated: true }),
      ]),
    ).toBe('direct');
  });

  it('does not guess before a pair is chosen or when its candidates are missing', () => {
    expect(routeFromStats([])).toBeUndefined();
    expect(
      routeFromStats([
        { id: 'T', type: 'transport' },
        { id: 'P', type: 'candidate-pair', state: 'in-progress', localCandidateId: 'L' },
        { id: 'L', type: 'local-candidate', candidateType: 'relay' },
      ]),
    ).toBeUndefined();
    expect(
      routeFromStats([
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'gone' },
        { id: 'L', type: 'local-candidate', candidateType: 'host' },
      ]),
    ).toBeUndefined();
    expect(routeFromStats([null, 'x', 42])).toBeUndefined();
  });
});
