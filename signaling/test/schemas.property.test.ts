/**
 * Properties of the parsers at the trust boundary: whatever a client sends
 * (any JSON value Socket.IO can decode, and any JavaScript value besides),
 * parseStartRequest and parseSignal return either a value within the
 * protocol's limits or a code from its closed set, and never throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_MAX_LENGTH,
  ERROR_CODES,
  INTEREST_MAX_LENGTH,
  INTERESTS_MAX_COUNT,
  isValidNickname,
  normalizeInterest,
  REBUILD_GENERATION_MAX,
  SDP_MAX_LENGTH,
} from '@mayfly/protocol';
import {
  parseSignal,
  parseSignalBySchema,
  parseStartRequest,
  type Parsed,
} from '../src/schemas.js';
import { isRelayCandidate, stripNonRelayCandidates } from '../src/relay-only.js';

/** Keys an attacker would try, besides random ones. */
const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'type');
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
/** What Socket.IO hands a handler: JSON, with hostile keys mixed in. */
const jsonPayload = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    anyString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(hostileKey, anyString), tie('value'), { maxKeys: 5 }),
  ),
})).value;
/** JSON-parsed objects may carry an own `__proto__` key, which literals cannot. */
const withOwnProto = jsonPayload.map(
  (value) => JSON.parse(`{"__proto__":${JSON.stringify(value) ?? 'null'}}`) as unknown,
);
const anyPayload = fc.oneof(jsonPayload, withOwnProto, fc.anything());

/** Start requests close to valid ones, so that the accepting path is exercised as much. */
const plausibleStart = fc.record(
  {
    nickname: fc.oneof(anyString, fc.string({ maxLength: 30 }), fc.constant('Zoë the_2nd')),
    interests: fc.array(fc.oneof(anyString, fc.constantFrom('Jazz', '#go', 'board games')), {
      maxLength: 8,
    }),
    relayOnly: fc.oneof(fc.boolean(), jsonPayload),
  },
  { requiredKeys: [] },
);

const sdpLike = fc.oneof(
  anyString,
  fc.constant('v=0\r\na=candidate:1 1 udp 1 192.0.2.1 5000 typ host\r\n'),
  fc.integer({ min: SDP_MAX_LENGTH - 2, max: SDP_MAX_LENGTH + 2 }).map((n) => 'v'.repeat(n)),
);
const plausibleSignal = fc.oneof(
  fc.record({ type: fc.constantFrom('offer', 'answer', 'pranswer', 'rollback'), sdp: sdpLike }),
  fc.record({
    type: fc.constant('candidate'),
    candidate: fc.record(
      {
        candidate: fc.oneof(
          anyString,
          fc.constant(
            'candidate:3 1 udp 41885439 198.51.100.7 61000 typ relay raddr 0.0.0.0 rport 0',
          ),
          fc
            .integer({ min: CANDIDATE_MAX_LENGTH - 1, max: CANDIDATE_MAX_LENGTH + 1 })
            .map((n) => 'c'.repeat(n)),
        ),
        sdpMid: fc.oneof(fc.constant(null), anyString, fc.integer()),
        sdpMLineIndex: fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 1030 }), fc.double()),
        usernameFragment: fc.oneof(fc.constant(null), anyString),
      },
      { requiredKeys: ['candidate'] },
    ),
  }),
  fc.record({
    type: fc.constant('renegotiate'),
    renegotiate: fc.oneof(fc.constant(true), jsonPayload),
  }),
  fc.record({
    type: fc.constant('rebuild'),
    generation: fc.oneof(
      fc.integer({ min: -1, max: REBUILD_GENERATION_MAX + 1 }),
      fc.double(),
      jsonPayload,
    ),
  }),
);

function expectTypedResult<T>(result: Parsed<T>): void {
  if (!result.ok) expect(ERROR_CODES).toContain(result.code);
}

describe('parseStartRequest: properties', () => {
  it('never throws, and answers ok or a code from the closed set', () => {
    fc.assert(
      fc.property(fc.oneof(anyPayload, plausibleStart), (payload) => {
        expectTypedResult(parseStartRequest(payload));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts only preferences within the protocol limits, normalized', () => {
    fc.assert(
      fc.property(plausibleStart, (payload) => {
        const result = parseStartRequest(payload);
        if (!result.ok) return;
        const { nickname, interests, relayOnly } = result.value;
        if (nickname !== undefined) expect(isValidNickname(nickname)).toBe(true);
        expect(interests.length).toBeLessThanOrEqual(INTERESTS_MAX_COUNT);
        expect(new Set(interests).size).toBe(interests.length);
        for (const tag of interests) {
          expect([...tag].length).toBeLessThanOrEqual(INTEREST_MAX_LENGTH);
          expect(normalizeInterest(tag)).toBe(tag);
        }
        expect(typeof relayOnly).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('normalizes idempotently: what it accepted, sent again, parses to the same', () => {
    fc.assert(
      fc.property(plausibleStart, (payload) => {
        const first = parseStartRequest(payload);
        if (!first.ok) return;
        const { nickname, interests, relayOnly } = first.value;
        const again = parseStartRequest({
          ...(nickname === undefined ? {} : { nickname }),
          interests,
          relayOnly,
        });
        expect(again).toEqual(first);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseSignal: properties', () => {
  it('never throws, and answers ok or a code from the closed set', () => {
    fc.assert(
      fc.property(fc.oneof(anyPayload, plausibleSignal), (payload) => {
        expectTypedResult(parseSignal(payload));
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts only signals of the protocol shapes within its limits, with no other key', () => {
    fc.assert(
      fc.property(plausibleSignal, (payload) => {
        const result = parseSignal(payload);
        if (!result.ok) return;
        const signal = result.value;
        switch (signal.type) {
          case 'offer':
          case 'answer':
            expect(Object.keys(signal).sort()).toEqual(['sdp', 'type']);
            expect(signal.sdp.length).toBeGreaterThan(0);
            expect(signal.sdp.length).toBeLessThanOrEqual(SDP_MAX_LENGTH);
            break;
          case 'candidate':
            expect(signal.candidate.candidate.length).toBeLessThanOrEqual(CANDIDATE_MAX_LENGTH);
            for (const key of Object.keys(signal.candidate)) {
              expect(['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment']).toContain(key);
            }
            break;
          case 'renegotiate':
            expect(signal).toEqual({ type: 'renegotiate', renegotiate: true });
            break;
          case 'rebuild':
            expect(Object.keys(signal).sort()).toEqual(['generation', 'type']);
            expect(Number.isInteger(signal.generation)).toBe(true);
            expect(signal.generation).toBeGreaterThanOrEqual(1);
            expect(signal.generation).toBeLessThanOrEqual(REBUILD_GENERATION_MAX);
            break;
        }
      }),
      { numRuns: 3000 },
    );
  });

  // 10,000 payloads: well under a second alone, several on a machine busy with browsers.
  it(
    'agrees with the schema on every payload: the same value accepted, the same code refused',
    {
      timeout: 60_000,
    },
    () => {
      // Near misses of the hot path's shapes: one key too many (hostile or not), undefined values.
      const withExtraKey = fc
        .tuple(plausibleSignal, fc.oneof(hostileKey, anyString), jsonPayload)
        .map(([signal, key, value]) => ({ ...signal, [key]: value }));
      const candidateWithExtra = fc
        .tuple(
          plausibleSignal,
          fc.oneof(hostileKey, anyString),
          fc.oneof(jsonPayload, fc.anything()),
        )
        .map(([signal, key, value]) =>
          signal.type === 'candidate'
            ? { ...signal, candidate: { ...signal.candidate, [key]: value } }
            : signal,
        );
      const ownProtoSignal = plausibleSignal.map(
        (signal) =>
          JSON.parse(`{"__proto__":{"sdp":"v=0"},${JSON.stringify(signal).slice(1)}`) as unknown,
      );
      fc.assert(
        fc.property(
          fc.oneof(anyPayload, plausibleSignal, withExtraKey, candidateWithExtra, ownProtoSignal),
          (payload) => {
            expect(parseSignal(payload)).toEqual(parseSignalBySchema(payload));
          },
        ),
        { numRuns: 10_000 },
      );
    },
  );

  it("takes the browsers' usual signals as the schema does", () => {
    const usual: unknown[] = [
      { type: 'offer', sdp: 'v=0\r\n' },
      { type: 'answer', sdp: 'v=0\r\n' },
      {
        type: 'candidate',
        candidate: {
          candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'abcd',
        },
      },
      { type: 'candidate', candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null } },
      { type: 'candidate', candidate: { candidate: 'c'.repeat(CANDIDATE_MAX_LENGTH) } },
      { type: 'offer', sdp: 'v'.repeat(SDP_MAX_LENGTH) },
      {
        type: 'candidate',
        candidate: {
          candidate: 'x',
          sdpMid: 'm'.repeat(64),
          sdpMLineIndex: 1024,
          usernameFragment: 'u'.repeat(256),
        },
      },
    ];
    for (const payload of usual) {
      expect(parseSignal(payload)).toEqual({ ok: true, value: payload });
      expect(parseSignalBySchema(payload)).toEqual({ ok: true, value: payload });
    }
    const refused: [unknown, string][] = [
      [{ type: 'offer', sdp: '' }, 'invalid_payload'],
      [{ type: 'offer', sdp: 'v'.repeat(SDP_MAX_LENGTH + 1) }, 'payload_too_large'],
      [{ type: 'candidate', candidate: { candidate: 'x', sdpMLineIndex: 1.5 } }, 'invalid_payload'],
      [{ type: 'candidate', candidate: { candidate: 'x', extra: 1 } }, 'invalid_payload'],
      [
        { type: 'candidate', candidate: { candidate: 'x', sdpMLineIndex: 1025 } },
        'payload_too_large',
      ],
      [{ type: 'candidate', candidate: { candidate: 'x', sdpMLineIndex: -1 } }, 'invalid_payload'],
      [
        { type: 'candidate', candidate: { candidate: 'x', sdpMid: 'm'.repeat(65) } },
        'payload_too_large',
      ],
      [
        { type: 'candidate', candidate: { candidate: 'x', usernameFragment: 'u'.repeat(257) } },
        'payload_too_large',
      ],
      [
        { type: 'candidate', candidate: { candidate: 'c'.repeat(CANDIDATE_MAX_LENGTH + 1) } },
        'payload_too_large',
      ],
      [{ type: 'offer', sdp: 'v=0', extra: true }, 'invalid_payload'],
    ];
    for (const [payload, code] of refused) {
      expect(parseSignal(payload)).toEqual({ ok: false, code });
    }
  });

  it('is idempotent: an accepted signal parses to itself', () => {
    fc.assert(
      fc.property(plausibleSignal, (payload) => {
        const first = parseSignal(payload);
        if (first.ok) expect(parseSignal(first.value)).toEqual(first);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('relay-only filtering: properties', () => {
  const candidateLine = fc
    .tuple(fc.constantFrom('host', 'srflx', 'prflx', 'relay'), anyString)
    .map(([typ, tail]) => `a=candidate:1 1 udp 1 192.0.2.1 5000 typ ${typ}${tail}`);
  const sdpLines = fc.array(
    fc.oneof(
      candidateLine,
      anyString.map((line) => line.replace(/\n/gu, '')),
    ),
    {
      maxLength: 10,
    },
  );

  it('stripNonRelayCandidates never throws, keeps no non-relay candidate and is idempotent', () => {
    fc.assert(
      fc.property(sdpLines, fc.constantFrom('\r\n', '\n'), (lines, eol) => {
        const stripped = stripNonRelayCandidates(lines.join(eol) + eol);
        for (const line of stripped.split(/\r?\n/u)) {
          if (line.startsWith('a=candidate:')) expect(isRelayCandidate(line.slice(2))).toBe(true);
        }
        expect(stripNonRelayCandidates(stripped)).toBe(stripped);
      }),
      { numRuns: 2000 },
    );
  });
});
