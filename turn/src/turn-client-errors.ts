/** How the TURN client (stun-client.ts) fails a request. */
import type { DecodedStunMessage } from './stun.js';

/** The server answered with an error response. */
export class TurnErrorResponse extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    /** The whole error response, for its other attributes (UNKNOWN-ATTRIBUTES...). */
    readonly response?: DecodedStunMessage,
  ) {
    super(`TURN error ${code} ${reason}`);
    this.name = 'TurnErrorResponse';
  }
}

export class TurnTimeoutError extends Error {
  constructor(method: string) {
    super(`no answer to ${method} in time`);
    this.name = 'TurnTimeoutError';
  }
}

/** A success response to an authenticated request lacked a valid MESSAGE-INTEGRITY. */
export class TurnIntegrityError extends Error {
  constructor(
    method: string,
    readonly integrity: 'absent' | 'invalid',
  ) {
    super(`${method} success response has ${integrity} MESSAGE-INTEGRITY`);
    this.name = 'TurnIntegrityError';
  }
}
