/**
 * Validation of every payload a client sends. Each parser returns either the
 * normalized value or a protocol error code; none of them throws.
 */
import { z } from 'zod';
import {
  CANDIDATE_MAX_LENGTH,
  ErrorCode,
  INTERESTS_MAX_COUNT,
  isValidNickname,
  normalizeInterests,
  normalizeNickname,
  normalizeLanguages,
  LANGUAGES_MAX_COUNT,
  REBUILD_GENERATION_MAX,
  REPORT_REASONS,
  type ReportRequest,
  type ResumeRequest,
  SDP_MAX_LENGTH,
  type CandidateSignal,
  type Signal,
} from '@mayfly/protocol';

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ErrorCode };

// Raw bounds are generous; the protocol's own limits apply after normalization.
const startRequestSchema = z.strictObject({
  nickname: z.string().max(200).optional(),
  interests: z
    .array(z.string().max(200))
    .max(INTERESTS_MAX_COUNT * 4)
    .optional(),
  relayOnly: z.boolean().optional(),
  languages: z
    .array(z.string().max(35))
    .max(LANGUAGES_MAX_COUNT * 4)
    .optional(),
  languagesOnly: z.boolean().optional(),
});

const SDP_MID_MAX_LENGTH = 64;
const USERNAME_FRAGMENT_MAX_LENGTH = 256;
const MLINE_INDEX_MAX = 1024;

const signalSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.enum(['offer', 'answer']),
    sdp: z.string().min(1).max(SDP_MAX_LENGTH),
  }),
  z.strictObject({
    type: z.literal('candidate'),
    candidate: z.strictObject({
      candidate: z.string().max(CANDIDATE_MAX_LENGTH),
      sdpMid: z.string().max(SDP_MID_MAX_LENGTH).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(MLINE_INDEX_MAX).nullable().optional(),
      usernameFragment: z.string().max(USERNAME_FRAGMENT_MAX_LENGTH).nullable().optional(),
    }),
  }),
  z.strictObject({
    type: z.literal('renegotiate'),
    renegotiate: z.literal(true),
  }),
  z.strictObject({
    type: z.literal('rebuild'),
    generation: z.number().int().min(1).max(REBUILD_GENERATION_MAX),
  }),
]);

export interface StartPreferences {
  nickname: string | undefined;
  interests: string[];
  relayOnly: boolean;
  languages: string[];
  /** Only with languages: without any, there is nothing to insist on. */
  languagesOnly: boolean;
}

function failure(error: z.ZodError): { ok: false; code: ErrorCode } {
  const tooBig = error.issues.some((issue) => issue.code === 'too_big');
  return { ok: false, code: tooBig ? ErrorCode.PayloadTooLarge : ErrorCode.InvalidPayload };
}

export function parseStartRequest(payload: unknown): Parsed<StartPreferences> {
  // `start` with no payload at all means "no preferences".
  const result = startRequestSchema.safeParse(payload ?? {});
  if (!result.success) return failure(result.error);
  const {
    nickname: rawNickname,
    interests: rawInterests = [],
    relayOnly = false,
    languages: rawLanguages = [],
    languagesOnly = false,
  } = result.data;

  const nickname = rawNickname === undefined ? undefined : normalizeNickname(rawNickname);
  if (nickname !== undefined && !isValidNickname(nickname)) {
    return { ok: false, code: ErrorCode.InvalidNickname };
  }
  const interests = normalizeInterests(rawInterests);
  if (interests === undefined) return { ok: false, code: ErrorCode.InvalidInterests };
  const languages = normalizeLanguages(rawLanguages);
  if (languages === undefined) return { ok: false, code: ErrorCode.InvalidLanguages };
  const value = {
    nickname,
    interests,
    relayOnly,
    languages,
    languagesOnly: languagesOnly && languages.length > 0,
  };
  return { ok: true, value };
}

const reportSchema = z.strictObject({ reason: z.enum(REPORT_REASONS as [string, ...string[]]) });

export function parseReport(payload: unknown): Parsed<ReportRequest> {
  const result = reportSchema.safeParse(payload);
  return result.success ? { ok: true, value: result.data as ReportRequest } : failure(result.error);
}

const CANDIDATE_FIELDS = new Set(['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNullableString = (value: unknown, maxLength: number): value is string | null =>
  value === null || (typeof value === 'string' && value.length <= maxLength);

const isNullableMLineIndex = (value: unknown): value is number | null =>
  value === null ||
  (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MLINE_INDEX_MAX);

/** Every own key is one of `allowed`. */
const hasOnlyKeys = (record: Record<string, unknown>, allowed: ReadonlySet<string>): boolean =>
  Object.keys(record).every((key) => allowed.has(key));

/**
 * The hot path, for the signals browsers send all the time (descriptions and candidates):
 * accepts a payload only where `signalSchema` would accept it with the same value, and returns
 * undefined for everything else, which `signalSchema` then decides (with its error codes).
 * `signalSchema` stays the specification; a property test checks that the two agree.
 */
function acceptCommonSignal(payload: unknown): Signal | undefined {
  if (!isRecord(payload) || !Object.hasOwn(payload, 'type')) return undefined;
  if (Object.keys(payload).length !== 2) return undefined;
  const { type } = payload;
  if (type === 'offer' || type === 'answer') {
    const { sdp } = payload;
    if (!Object.hasOwn(payload, 'sdp') || typeof sdp !== 'string') return undefined;
    return sdp.length >= 1 && sdp.length <= SDP_MAX_LENGTH ? { type, sdp } : undefined;
  }
  if (type !== 'candidate' || !Object.hasOwn(payload, 'candidate')) return undefined;
  const fields = payload.candidate;
  if (!isRecord(fields) || !Object.hasOwn(fields, 'candidate')) return undefined;
  if (!hasOnlyKeys(fields, CANDIDATE_FIELDS)) return undefined;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = fields;
  if (typeof candidate !== 'string' || candidate.length > CANDIDATE_MAX_LENGTH) return undefined;
  const copy: CandidateSignal['candidate'] = { candidate };
  if (sdpMid !== undefined) {
    if (!isNullableString(sdpMid, SDP_MID_MAX_LENGTH)) return undefined;
    copy.sdpMid = sdpMid;
  }
  if (sdpMLineIndex !== undefined) {
    if (!isNullableMLineIndex(sdpMLineIndex)) return undefined;
    copy.sdpMLineIndex = sdpMLineIndex;
  }
  if (usernameFragment !== undefined) {
    if (!isNullableString(usernameFragment, USERNAME_FRAGMENT_MAX_LENGTH)) return undefined;
    copy.usernameFragment = usernameFragment;
  }
  return { type, candidate: copy };
}

/** `signalSchema` alone: the specification, which the tests hold the hot path to. */
export function parseSignalBySchema(payload: unknown): Parsed<Signal> {
  const result = signalSchema.safeParse(payload);
  return result.success ? { ok: true, value: result.data } : failure(result.error);
}

export function parseSignal(payload: unknown): Parsed<Signal> {
  const common = acceptCommonSignal(payload);
  return common === undefined ? parseSignalBySchema(payload) : { ok: true, value: common };
}

const resumeRequestSchema = z.strictObject({
  resumeToken: z.string().regex(/^[0-9a-f]{32}\.[0-9a-f]{32}$/u),
});

/** A resume request: a well-formed token (whether it is valid, matching decides). */
export function parseResumeRequest(payload: unknown): Parsed<ResumeRequest> {
  const result = resumeRequestSchema.safeParse(payload);
  return result.success ? { ok: true, value: result.data } : failure(result.error);
}
