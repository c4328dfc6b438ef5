/**
 * Safety code: a short number both strangers see, derived from the DTLS certificate fingerprints
 * in the two session descriptions. WebRTC encrypts media and data to the certificate whose
 * fingerprint arrived in the SDP; the SDP travels through our server, so a server that swapped
 * fingerprints could sit in the middle. Each side hashes its own fingerprint and the one it
 * received, so the codes match only if both saw the same pair.
 */

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+)\s*$/gm;

/** The distinct `a=fingerprint` values of an SDP, normalized ("sha-256 AB:CD:..."), sorted. */
export function extractFingerprints(sdp: string): string[] {
  const found = new Set<string>();
  for (const match of sdp.matchAll(FINGERPRINT_LINE)) {
    const [, algorithm = '', hex = ''] = match;
    found.add(`${algorithm.toLowerCase()} ${hex.toUpperCase()}`);
  }
  return [...found].sort();
}

export type Digest = (data: Uint8Array<ArrayBuffer>) => Promise<ArrayBuffer>;

const sha256: Digest = (data) => crypto.subtle.digest('SHA-256', data);

/** Digits in the code: 16 (about 53 bits), shown as four groups of four. */
const CODE_DIGITS = 16n;

/**
 * Derives the code from the local and the remote SDP. The result does not depend on which side
 * is local, so both strangers compute the same code. Returns `undefined` when either SDP carries
 * no fingerprint.
 */
export async function deriveSafetyCode(
  localSdp: string,
  remoteSdp: string,
  digest: Digest = sha256,
): Promise<string | undefined> {
  const local = extractFingerprints(localSdp);
  const remote = extractFingerprints(remoteSdp);
  if (local.length === 0 || remote.length === 0) return undefined;
  const input = [local.join(','), remote.join(',')].sort().join('\n');
  const hash = new Uint8Array(await digest(new TextEncoder().encode(input)));
  let value = 0n;
  for (const byte of hash.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
  const digits = (value % 10n ** CODE_DIGITS).toString().padStart(Number(CODE_DIGITS), '0');
  return digits.match(/\d{4}/g)?.join(' ');
}
