/**
 * How the embedded server answers a request: a success response with the
 * attributes its handler gave, or an error response with the refusal's code,
 * its reason phrase and the attributes that explain it. The handlers
 * (turn-server.ts, allocation-lifecycle.ts, peer-requests.ts) only decide
 * the outcome; this encodes it.
 */
import {
  StunAttribute,
  StunClass,
  encodeErrorCode,
  encodeStunMessage,
  encodeUnknownAttributes,
} from './stun.js';
import type { StunAttributeValue, StunHeader } from './stun.js';

/** The refusal of a request: an error code, and attributes that explain it. */
export interface Refusal {
  readonly code: number;
  readonly attributes?: readonly StunAttributeValue[];
}

/** What a handler decided: the success response's attributes, or a refusal. */
export type RequestOutcome = readonly StunAttributeValue[] | Refusal;

const REASONS: ReadonlyMap<number, string> = new Map([
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [403, 'Forbidden'],
  [420, 'Unknown Attribute'],
  [437, 'Allocation Mismatch'],
  [438, 'Stale Nonce'],
  [440, 'Address Family not Supported'],
  [441, 'Wrong Credentials'],
  [442, 'Unsupported Transport Protocol'],
  [443, 'Peer Address Family Mismatch'],
  [486, 'Allocation Quota Reached'],
  [508, 'Insufficient Capacity'],
]);

export function isRefusal(outcome: RequestOutcome): outcome is Refusal {
  return 'code' in outcome;
}

/** 420, listing the unknown comprehension-required attributes in UNKNOWN-ATTRIBUTES. */
export function unknownAttributesRefusal(types: readonly number[]): Refusal {
  return {
    code: 420,
    attributes: [{ type: StunAttribute.UnknownAttributes, value: encodeUnknownAttributes(types) }],
  };
}

/**
 * The response to `request`: MESSAGE-INTEGRITY when the request was
 * authenticated (`integrityKey`), FINGERPRINT when asked for.
 */
export function encodeAnswer(
  request: StunHeader,
  outcome: RequestOutcome,
  integrityKey: Buffer | undefined,
  fingerprint: boolean,
): Buffer {
  const refused = isRefusal(outcome);
  return encodeStunMessage(
    {
      method: request.method,
      class: refused ? StunClass.ErrorResponse : StunClass.SuccessResponse,
      transactionId: request.transactionId,
      attributes: refused ? errorAttributes(outcome) : outcome,
    },
    { ...(integrityKey === undefined ? {} : { integrityKey }), fingerprint },
  );
}

function errorAttributes(refusal: Refusal): StunAttributeValue[] {
  return [
    {
      type: StunAttribute.ErrorCode,
      value: encodeErrorCode(refusal.code, REASONS.get(refusal.code) ?? 'Error'),
    },
    ...(refusal.attributes ?? []),
  ];
}
