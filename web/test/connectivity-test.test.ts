import { describe, expect, it } from 'vitest';
import { describeOutcome, type Report } from '../src/lib/connectivity/connectivity-report';
import {
  WELCOME_TIMEOUT_MS,
  runConnectivityTest,
  type ConnectivityStep,
  type WelcomeSource,
} from '../src/lib/connectivity/connectivity-test';
import en from '../src/lib/i18n/locales/en';
import type { ProbePeer, ProbeResult } from '../src/lib/peer/connectivity-probe';

const m = en.connectivity;
import { FakeSignaling, ManualClock, WELCOME, flush } from './fakes';

class FakeWelcomeSource extends FakeSignaling implements WelcomeSource {
  connected = false;
  closed = false;
  connect(): void {
    this.connected = true;
  }
  close(): void {
    this.closed = true;
  }
}

/** A peer that finishes gathering at once with one relay candidate. */
function quickPeer(configs: RTCConfiguration[]) {
  return (config: RTCConfiguration): ProbePeer => {
    configs.push(config);
    const peer = {
      onicecandidate: null as ((event: { candidate: { candidate: string } | null }) => void) | null,
      onicecandidateerror: null,
      onicegatheringstatechange: null,
      iceGatheringState: 'new',
      createDataChannel: () => undefined,
      createOffer: () => Promise.resolve({ type: 'offer', sdp: 'v=0' }),
      setLocalDescription: () => {
        queueMicrotask(() => {
          peer.onicecandidate?.({
            candidate: {
              candidate: 'candidate:1 1 udp 5 198.51.100.9 40000 typ relay raddr 0.0.0.0 rport 0',
            },
          });
          peer.onicecandidate?.({ candidate: null });
        });
        return Promise.resolve();
      },
      close: () => undefined,
    };
    return peer as unknown as ProbePeer;
  };
}

describe('runConnectivityTest', () => {
  it('probes with the ICE servers of a fresh welcome, then hangs up', async () => {
    const signaling = new FakeWelcomeSource();
    const configs: RTCConfiguration[] = [];
    const steps: ConnectivityStep[] = [];
    const outcome = runConnectivityTest(
      { openSignaling: () => signaling, createPeer: quickPeer(configs), clock: new ManualClock() },
      { onStep: (step) => steps.push(step) },
    );
    expect(signaling.connected).toBe(true);
    signaling.welcome();
    const finished = await outcome;
    expect(finished.kind).toBe('done');
    expect(finished.kind === 'done' && finished.result.counts.relay).toBe(1);
    expect(configs[0]?.iceServers).toEqual(WELCOME.iceServers);
    expect(steps).toEqual(['server', 'gathering']);
    expect(signaling.closed).toBe(true);
  });

  it('says the server is unreachable when no welcome comes in time', async () => {
    const signaling = new FakeWelcomeSource();
    const clock = new ManualClock();
    const configs: RTCConfiguration[] = [];
    const outcome = runConnectivityTest({
      openSignaling: () => signaling,
      createPeer: quickPeer(configs),
      clock,
    });
    await clock.advance(WELCOME_TIMEOUT_MS);
    expect(await outcome).toEqual({ kind: 'server-unreachable' });
    expect(configs).toEqual([]);
    expect(signaling.closed).toBe(true);
  });

  it('reports a browser that cannot create a connection as unsupported', async () => {
    const signaling = new FakeWelcomeSource();
    const outcome = runConnectivityTest({
      openSignaling: () => signaling,
      createPeer: () => {
        throw new Error('WebRTC is not available');
      },
      clock: new ManualClock(),
    });
    signaling.welcome();
    await flush();
    expect(await outcome).toEqual({ kind: 'unsupported' });
    expect(signaling.closed).toBe(true);
  });
});

function result(patch: Partial<ProbeResult>): ProbeResult {
  return {
    ending: 'complete',
    offered: { stun: true, turn: true },
    counts: { host: 1, srflx: 1, prflx: 0, relay: 1 },
    candidates: [],
    errors: [],
    mdnsHosts: 1,
    firstRelayMs: 180,
    durationMs: 400,
    ...patch,
  };
}

const texts = (report: Report): string =>
  [report.headline, ...report.findings.map((f) => f.text)].join('\n');

describe('describeOutcome', () => {
  it('says TURN works and how fast when a relay candidate came back', () => {
    const report = describeOutcome({ kind: 'done', result: result({}) }, m);
    expect(report.headline).toContain('TURN works');
    expect(report.findings.map((f) => [f.topic, f.verdict])).toEqual([
      ['Relay (TURN)', 'good'],
      ['Public address (STUN)', 'good'],
      ['Local addresses (host)', 'good'],
    ]);
    expect(texts(report)).toContain('180 ms');
  });

  it('warns that Hide my IP address will not work when the relay is unreachable', () => {
    const report = describeOutcome(
      {
        kind: 'done',
        result: result({
          ending: 'timeout',
          counts: { host: 0, srflx: 1, prflx: 0, relay: 0 },
          firstRelayMs: undefined,
          durationMs: 8000,
          mdnsHosts: 0,
        }),
      },
      m,
    );
    expect(report.headline).toContain('“Hide my IP address” will not work on this network');
    expect(report.findings[0]?.text).toContain('TURN relay is unreachable');
    expect(report.findings[0]?.text).toContain('8 s');
  });

  it('blames the credentials when the relay refused them', () => {
    const report = describeOutcome(
      {
        kind: 'done',
        result: result({
          counts: { host: 1, srflx: 1, prflx: 0, relay: 0 },
          firstRelayMs: undefined,
          errors: [{ url: 'turn:127.0.0.1:3478', code: 401, text: 'Unauthorized' }],
        }),
      },
      m,
    );
    expect(report.findings[0]?.text).toContain('refused the login');
  });

  it('says calls are unlikely to connect when nothing came back', () => {
    const report = describeOutcome(
      {
        kind: 'done',
        result: result({
          counts: { host: 0, srflx: 0, prflx: 0, relay: 0 },
          firstRelayMs: undefined,
          mdnsHosts: 0,
        }),
      },
      m,
    );
    expect(report.headline).toContain('unlikely to connect');
  });

  it('notices local addresses that are not hidden behind mDNS names', () => {
    const report = describeOutcome(
      {
        kind: 'done',
        result: result({ counts: { host: 2, srflx: 0, prflx: 0, relay: 1 }, mdnsHosts: 0 }),
      },
      m,
    );
    expect(report.findings[2]).toMatchObject({ verdict: 'neutral' });
    expect(report.findings[2]?.text).toContain('2 local addresses, as real IP addresses');
  });

  it('never puts an address into the sentences', () => {
    const report = describeOutcome(
      {
        kind: 'done',
        result: result({
          candidates: [
            {
              type: 'relay',
              protocol: 'udp',
              address: '198.51.100.9',
              port: 40000,
              mdns: false,
              atMs: 1,
            },
          ],
          errors: [{ url: 'turn:203.0.113.1:3478', code: 701, text: 'timeout' }],
        }),
      },
      m,
    );
    expect(texts(report)).not.toMatch(/\d+\.\d+\.\d+\.\d+/);
  });

  it('explains a missing server and a browser without WebRTC', () => {
    expect(describeOutcome({ kind: 'server-unreachable' }, m).headline).toContain('did not answer');
    expect(describeOutcome({ kind: 'unsupported' }, m).headline).toContain('WebRTC');
  });
});

describe('durations (English)', () => {
  it('uses milliseconds below a second and tenths of seconds above', () => {
    expect(m.duration(42.4)).toBe('42 ms');
    expect(m.duration(1234)).toBe('1.2 s');
    expect(m.duration(8000)).toBe('8 s');
  });
});
