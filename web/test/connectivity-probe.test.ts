import { describe, expect, it } from 'vitest';
import {
  CandidateTally,
  PROBE_TIMEOUT_MS,
  isEndOfCandidates,
  offeredServers,
  parseCandidate,
  runConnectivityProbe,
  type ProbePeer,
} from '../src/lib/peer/connectivity-probe';
import { ManualClock, flush } from './fakes';

const HOST_MDNS =
  'candidate:3214478592 1 udp 2113937151 2f6e1b52-4d1e-4c5a-9d0e-6f3c1f0b8a11.local 54400 typ host generation 0 ufrag Ab12 network-cost 999';
const HOST_IP = 'candidate:1 1 udp 2113937151 192.0.2.10 54400 typ host generation 0';
const SRFLX =
  'candidate:842163049 1 udp 1677729535 203.0.113.5 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Ab12';
const RELAY =
  'candidate:1567393213 1 udp 41885695 198.51.100.9 49152 typ relay raddr 203.0.113.5 rport 54321 generation 0';
const TCP_HOST = 'candidate:7 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0';

const TURN_SERVERS = [
  { urls: 'stun:127.0.0.1:3478' },
  { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'u', credential: 'p' },
];

describe('parseCandidate', () => {
  it('reads the type, transport, address and port of each kind of candidate', () => {
    expect(parseCandidate(SRFLX)).toEqual({
      type: 'srflx',
      protocol: 'udp',
      address: '203.0.113.5',
      port: 54321,
      mdns: false,
    });
    expect(parseCandidate(RELAY)?.type).toBe('relay');
    expect(parseCandidate(TCP_HOST)).toMatchObject({ type: 'host', protocol: 'tcp', port: 9 });
    expect(parseCandidate(`a=${HOST_IP}`)?.address).toBe('192.0.2.10');
    expect(
      parseCandidate('candidate:1 1 UDP 1 2001:db8::1 5000 typ prflx raddr :: rport 0'),
    ).toMatchObject({ type: 'prflx', protocol: 'udp', address: '2001:db8::1' });
  });

  it('recognises mDNS host names that hide the local address', () => {
    expect(parseCandidate(HOST_MDNS)).toMatchObject({ type: 'host', mdns: true });
    expect(parseCandidate(HOST_IP)?.mdns).toBe(false);
  });

  it('rejects lines that are not candidates', () => {
    for (const line of [
      '',
      'a=end-of-candidates',
      'candidate:1 1 udp 1 192.0.2.1 5000 typ bogus',
      'candidate:1 1 udp 1 192.0.2.1 99999 typ host',
      'candidate:1 1 udp 1 192.0.2.1 typ host',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    ]) {
      expect(parseCandidate(line), line).toBeUndefined();
    }
  });

  it('knows the end-of-candidates markers', () => {
    expect(isEndOfCandidates('')).toBe(true);
    expect(isEndOfCandidates('a=end-of-candidates')).toBe(true);
    expect(isEndOfCandidates(RELAY)).toBe(false);
  });
});

describe('CandidateTally', () => {
  it('counts each distinct candidate once and times the first relay', () => {
    const tally = new CandidateTally();
    expect(tally.add(HOST_MDNS, 5)).toBe(true);
    expect(tally.add(HOST_MDNS, 6)).toBe(false);
    expect(tally.add(SRFLX, 40)).toBe(true);
    expect(tally.add('', 41)).toBe(false);
    expect(tally.add(RELAY, 120)).toBe(true);
    expect(tally.add(RELAY.replace('49152', '49153'), 130)).toBe(true);
    expect(tally.counts).toEqual({ host: 1, srflx: 1, prflx: 0, relay: 2 });
    expect(tally.firstRelayMs).toBe(120);
    expect(tally.mdnsHosts).toBe(1);
  });
});

describe('offeredServers', () => {
  it('tells STUN and TURN servers apart, whatever the urls shape', () => {
    expect(offeredServers(TURN_SERVERS)).toEqual({ stun: true, turn: true });
    expect(offeredServers([{ urls: 'turns:relay.example:5349' }])).toEqual({
      stun: false,
      turn: true,
    });
    expect(offeredServers([])).toEqual({ stun: false, turn: false });
  });
});

type Handler<T> = ((event: T) => void) | null;

/** Stands in for RTCPeerConnection: the test plays the browser's gathering events. */
class FakeProbePeer {
  onicecandidate: Handler<{ candidate: { candidate: string } | null }> = null;
  onicecandidateerror: Handler<{ url: string; errorCode: number; errorText: string }> = null;
  onicegatheringstatechange: Handler<Event> = null;
  iceGatheringState: RTCIceGatheringState = 'new';
  readonly channels: string[] = [];
  localDescription: RTCSessionDescriptionInit | undefined;
  closed = false;

  constructor(readonly config: RTCConfiguration) {}

  createDataChannel(label: string): void {
    this.channels.push(label);
  }
  createOffer(): Promise<RTCSessionDescriptionInit> {
    return Promise.resolve({ type: 'offer', sdp: 'v=0\r\n' });
  }
  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
    this.iceGatheringState = 'gathering';
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }

  candidate(line: string | null): void {
    this.onicecandidate?.({ candidate: line === null ? null : { candidate: line } });
  }
  complete(): void {
    this.iceGatheringState = 'complete';
    this.onicegatheringstatechange?.(new Event('icegatheringstatechange'));
  }
}

function setupProbe(options: { fail?: boolean } = {}) {
  const clock = new ManualClock();
  const peers: FakeProbePeer[] = [];
  const live: number[] = [];
  const controller = new AbortController();
  const outcome = runConnectivityProbe(TURN_SERVERS, {
    clock,
    signal: controller.signal,
    onCandidate: (tally) => live.push(tally.candidates.length),
    createPeer: (config) => {
      const peer = new FakeProbePeer(config);
      if (options.fail === true) {
        peer.createOffer = () => Promise.reject(new Error('no codecs'));
      }
      peers.push(peer);
      return peer as unknown as ProbePeer;
    },
  });
  const peer = peers[0];
  if (peer === undefined) throw new Error('no peer created');
  return { clock, peer, live, outcome, controller };
}

describe('runConnectivityProbe', () => {
  it('gathers with every candidate type allowed and one data channel, then closes', async () => {
    const t = setupProbe();
    await flush();
    expect(t.peer.config).toMatchObject({ iceTransportPolicy: 'all', iceServers: TURN_SERVERS });
    expect(t.peer.channels).toHaveLength(1);
    expect(t.peer.localDescription?.type).toBe('offer');
    t.peer.candidate(HOST_MDNS);
    await t.clock.advance(250);
    t.peer.candidate(RELAY);
    t.peer.candidate(null);
    const result = await t.outcome;
    expect(result).toMatchObject({
      ending: 'complete',
      offered: { stun: true, turn: true },
      counts: { host: 1, srflx: 0, prflx: 0, relay: 1 },
      mdnsHosts: 1,
      firstRelayMs: 250,
      errors: [],
    });
    expect(t.live).toEqual([1, 2]);
    expect(t.peer.closed).toBe(true);
    expect(t.peer.onicecandidate).toBeNull();
  });

  it('treats an empty candidate or the gathering state as the end of gathering', async () => {
    const a = setupProbe();
    await flush();
    a.peer.candidate(SRFLX);
    a.peer.candidate('');
    expect((await a.outcome).counts.srflx).toBe(1);

    const b = setupProbe();
    await flush();
    b.peer.complete();
    expect((await b.outcome).ending).toBe('complete');
  });

  it('gives up after the time limit with what it has, keeping the relay errors', async () => {
    const t = setupProbe();
    await flush();
    t.peer.candidate(SRFLX);
    t.peer.onicecandidateerror?.({
      url: 'turn:127.0.0.1:3478?transport=udp',
      errorCode: 701,
      errorText: 'TURN allocate request timed out.',
    });
    await t.clock.advance(PROBE_TIMEOUT_MS - 1);
    let settled = false;
    void t.outcome.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    await t.clock.advance(1);
    const result = await t.outcome;
    expect(result).toMatchObject({
      ending: 'timeout',
      counts: { host: 0, srflx: 1, prflx: 0, relay: 0 },
      firstRelayMs: undefined,
      durationMs: PROBE_TIMEOUT_MS,
      errors: [{ url: 'turn:127.0.0.1:3478?transport=udp', code: 701 }],
    });
    expect(t.peer.closed).toBe(true);
  });

  it('rejects when the browser cannot make an offer, and still closes', async () => {
    const t = setupProbe({ fail: true });
    await expect(t.outcome).rejects.toThrow('no codecs');
    expect(t.peer.closed).toBe(true);
  });

  it('stops when aborted', async () => {
    const t = setupProbe();
    await flush();
    t.controller.abort(new Error('page left'));
    await expect(t.outcome).rejects.toThrow('page left');
    expect(t.peer.closed).toBe(true);
  });
});
