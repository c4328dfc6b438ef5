import { describe, expect, it } from 'vitest';
import { deriveSafetyCode, extractFingerprints } from '../src/lib/peer/safety-code';

const fingerprint = (hex: string): string => `a=fingerprint:sha-256 ${hex}`;
const sdp = (...lines: string[]): string =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    ...lines,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  ].join('\r\n') + '\r\n';

const ALICE = sdp(
  fingerprint(
    'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
  ),
);
const BOB = sdp(
  fingerprint(
    '10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE',
  ),
);
const MALLORY = sdp(
  fingerprint(
    '10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FE:10:32:54:76:98:BA:DC:FF',
  ),
);

describe('safety code', () => {
  it('is the same on both sides', async () => {
    const aliceSees = await deriveSafetyCode(ALICE, BOB);
    const bobSees = await deriveSafetyCode(BOB, ALICE);
    expect(aliceSees).toBe(bobSees);
    expect(aliceSees).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  });

  it('differs when one fingerprint was swapped on the way', async () => {
    expect(await deriveSafetyCode(ALICE, MALLORY)).not.toBe(await deriveSafetyCode(BOB, ALICE));
  });

  it('ignores letter case, line endings and repeated media-level fingerprints', async () => {
    const repeated =
      BOB.toLowerCase()
        .replace('a=fingerprint:sha-256', 'a=fingerprint:SHA-256')
        .replaceAll('\r\n', '\n') +
      BOB.split('\r\n').find((line) => line.startsWith('a=fingerprint')) +
      '\n';
    expect(extractFingerprints(repeated)).toEqual(extractFingerprints(BOB));
    expect(await deriveSafetyCode(ALICE, repeated)).toBe(await deriveSafetyCode(ALICE, BOB));
  });

  it('gives no code when a description has no fingerprint', async () => {
    expect(await deriveSafetyCode(ALICE, sdp())).toBeUndefined();
    expect(extractFingerprints(sdp('a=fingerprint:sha-256 not-hex'))).toEqual([]);
  });
});
