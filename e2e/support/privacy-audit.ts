/**
 * The search of the privacy audit: where the product must keep nothing of a
 * person (its files, its console output, Redis), look for what they typed
 * and sent, in every encoding a careless line of code would write it in, and
 * for anything shaped like an SDP, an ICE candidate or an IP address.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import path from 'node:path';

/** Something searched: a file, a console, a Redis key with its value. */
export interface Source {
  /** Where it is, for the report: `file /tmp/x/connections-2026-01-01.jsonl`, `redis hash s:abc`. */
  readonly where: string;
  readonly bytes: Buffer;
}

export type NeedleKind =
  'nickname' | 'interest' | 'chat text' | 'image' | 'address' | 'SDP' | 'ICE candidate';

/** A known value and the byte sequences that would betray it. */
export interface Needle {
  readonly kind: NeedleKind;
  readonly label: string;
  readonly forms: readonly Buffer[];
}

export interface Finding {
  readonly where: string;
  readonly kind: NeedleKind | 'IP literal' | 'SDP marker';
  readonly what: string;
  /** The bytes around it, printable. */
  readonly context: string;
}

/**
 * Base64 (standard and URL alphabets) of `bytes` as it appears inside the encoding of any
 * longer input: one form per alignment of its first byte within a 3-byte group, each made of
 * whole groups only, so it is a substring of the longer encoding whatever came before.
 */
function base64Forms(bytes: Buffer): Buffer[] {
  return [0, 1, 2].flatMap((shift) => {
    const groups = Math.floor((bytes.length - shift) / 3);
    if (groups < 4) return [];
    const encoded = bytes.subarray(shift, shift + groups * 3).toString('base64');
    return [encoded, encoded.replaceAll('+', '-').replaceAll('/', '_')].map((form) =>
      Buffer.from(form),
    );
  });
}

/** The bytes as written raw, in base64, in hex, and as a JSON array of numbers (Buffer#toJSON). */
export function encodings(bytes: Buffer): Buffer[] {
  const hex = bytes.toString('hex');
  const forms = [
    bytes,
    ...base64Forms(bytes),
    Buffer.from(hex),
    Buffer.from(hex.toUpperCase()),
    Buffer.from(Array.from(bytes).join(',')),
  ];
  const unique = new Map(forms.map((form) => [form.toString('hex'), form]));
  return [...unique.values()];
}

export function textNeedle(kind: NeedleKind, text: string): Needle {
  return { kind, label: text, forms: encodings(Buffer.from(text)) };
}

/** An address as text, in the text's encodings, and as the 4 or 16 bytes a binary record holds. */
export function addressNeedle(address: string): Needle {
  const binary = isIPv4(address)
    ? Buffer.from(address.split('.').map(Number))
    : Buffer.from(expandIpv6(address).replaceAll(':', ''), 'hex');
  return {
    kind: 'address',
    label: address,
    forms: [...encodings(Buffer.from(address)), binary],
  };
}

function expandIpv6(address: string): string {
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = address.includes('::') && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups]
    .map((group) => group.padStart(4, '0'))
    .join(':');
}

/**
 * What a description the browsers exchanged contains that is unique to that call: the ICE
 * password, the DTLS fingerprint, the session id and every candidate line. (The 4-character
 * ICE username fragment is too short to search for; the marker search finds `ice-ufrag`.)
 */
export function descriptionNeedles(descriptions: readonly string[]): Needle[] {
  const values = new Map<string, NeedleKind>();
  for (const line of descriptions.flatMap((text) => text.split(/\r?\n/u))) {
    const candidate = /(?:^|a=)(candidate:.+)$/u.exec(line)?.[1];
    if (candidate !== undefined) values.set(candidate.trim(), 'ICE candidate');
    const value =
      /^a=ice-pwd:(\S+)/u.exec(line)?.[1] ??
      /^a=fingerprint:\S+ (\S+)/u.exec(line)?.[1] ??
      /^o=\S+ (\d{6,})/u.exec(line)?.[1];
    if (value !== undefined) values.set(value, 'SDP');
  }
  return [...values].map(([value, kind]) => textNeedle(kind, value));
}

/** What every SDP contains whatever its values, and the shape of every ICE candidate line. */
const SDP_MARKERS = [
  'v=0',
  'o=- ',
  'm=video',
  'm=audio',
  'm=application',
  'a=candidate',
  'a=fingerprint',
  'ice-ufrag',
  'ice-pwd',
  'a=setup:',
  'webrtc-datachannel',
];
const CANDIDATE_PATTERN = /candidate:\S+ \d+ (?:udp|tcp) \d+ \S+ \d+ typ \w+/giu;

// Digits not preceded or followed by more digits, validated by node:net afterwards.
const IPV4_PATTERN = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/gu;
// Runs of hex groups with at least two colons, not part of a longer run (a DTLS fingerprint).
const IPV6_PATTERN =
  /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/giu;

/** Every IPv4 and IPv6 address literal in `text`. */
export function ipLiterals(text: string): string[] {
  const v4 = [...text.matchAll(IPV4_PATTERN)].map(([match]) => match).filter((m) => isIPv4(m));
  const v6 = [...text.matchAll(IPV6_PATTERN)].map(([match]) => match).filter((m) => isIPv6(m));
  return [...v4, ...v6];
}

function excerpt(bytes: Buffer, at: number, length: number): string {
  const start = Math.max(0, at - 40);
  return bytes
    .subarray(start, Math.min(bytes.length, at + length + 40))
    .toString('latin1')
    .replace(/[^\x20-\x7e]/gu, '.');
}

/** Every needle, SDP marker, ICE candidate and IP literal found in the sources. */
export function search(sources: readonly Source[], needles: readonly Needle[]): Finding[] {
  const findings: Finding[] = [];
  for (const { where, bytes } of sources) {
    for (const { kind, label, forms } of needles) {
      for (const form of forms) {
        const at = bytes.indexOf(form);
        if (at >= 0) {
          findings.push({ where, kind, what: label, context: excerpt(bytes, at, form.length) });
          break;
        }
      }
    }
    const text = bytes.toString('latin1');
    for (const marker of SDP_MARKERS) {
      const at = text.indexOf(marker);
      if (at >= 0) {
        findings.push({
          where,
          kind: 'SDP marker',
          what: marker,
          context: excerpt(bytes, at, marker.length),
        });
      }
    }
    for (const match of text.matchAll(CANDIDATE_PATTERN)) {
      findings.push({
        where,
        kind: 'ICE candidate',
        what: match[0],
        context: excerpt(bytes, match.index, match[0].length),
      });
    }
    for (const literal of new Set(ipLiterals(text))) {
      const at = text.indexOf(literal);
      findings.push({
        where,
        kind: 'IP literal',
        what: literal,
        context: excerpt(bytes, at, literal.length),
      });
    }
  }
  return findings;
}

/** Every file under `dir`, as paths relative to it ('keys/2026-01-01.key'). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** The files under `dir` as sources. */
export function fileSources(dir: string): Source[] {
  return filesUnder(dir).map((file) => ({
    where: `file ${path.join(dir, file)}`,
    bytes: readFileSync(path.join(dir, file)),
  }));
}
