import { describe, expect, it } from 'vitest';
import { isRelayCandidate, relayOnlySignal } from '../src/relay-only.js';

const HOST = 'candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host';
const RELAY = 'candidate:3 1 udp 41885439 198.51.100.7 61000 typ relay raddr 0.0.0.0 rport 0';

describe('relay candidate filter', () => {
  it('recognizes relay candidates and the end-of-candidates marker only', () => {
    expect(isRelayCandidate(RELAY)).toBe(true);
    expect(isRelayCandidate('')).toBe(true);
    expect(isRelayCandidate(HOST)).toBe(false);
    expect(
      isRelayCandidate('candidate:2 1 udp 1 203.0.113.5 1 typ srflx raddr relay rport 1'),
    ).toBe(false);
    expect(isRelayCandidate('garbage relay')).toBe(false);
  });

  it('drops a relay-only client’s other candidates, strips them from its SDP, passes the rest', () => {
    const candidate = (line: string) =>
      ({ type: 'candidate', candidate: { candidate: line, sdpMid: '0' } }) as const;
    expect(relayOnlySignal(candidate(HOST))).toBeUndefined();
    expect(relayOnlySignal(candidate(RELAY))).toEqual(candidate(RELAY));
    const sdp = `v=0\r\na=candidate:${HOST.slice(10)}\r\na=${RELAY}\r\n`;
    expect(relayOnlySignal({ type: 'offer', sdp })).toEqual({
      type: 'offer',
      sdp: `v=0\r\na=${RELAY}\r\n`,
    });
    const renegotiate = { type: 'renegotiate', renegotiate: true } as const;
    expect(relayOnlySignal(renegotiate)).toBe(renegotiate);
    const rebuild = { type: 'rebuild', generation: 2 } as const;
    expect(relayOnlySignal(rebuild)).toBe(rebuild);
  });
});
