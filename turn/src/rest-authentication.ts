/**
 * The long-term credential mechanism (RFC 8489 section 9.2) with TURN REST
 * API credentials (see credentials.ts) and stateless nonces: decides whether
 * a request is authentic and, if not, how to answer and why, as metadata.
 *
 * node-turn, which this server replaced, looked passwords up as
 * `credentials[username]` in a plain object, so username `constructor`
 * authenticated with password `String(Object)`. Here a username gets a
 * password only when it parses as `<expiry>:<id>` and has not expired; no
 * object is ever indexed by it.
 */
import { parseTurnUsername, turnPasswordFor } from './credentials.js';
import { StatelessNonces } from './stateless-nonce.js';
import { StunAttribute, checkMessageIntegrity, findAttribute, longTermKey } from './stun.js';
import type { DecodedStunMessage } from './stun.js';
import type { AuthRejection } from './turn-log.js';

export interface RestAuthenticationOptions {
  readonly secret: string;
  readonly realm: string;
  readonly nonceLifetimeSeconds: number;
  readonly now: () => number;
}

export interface Authenticated {
  readonly ok: true;
  readonly username: string;
  /** The credential id, `<id>` of `<expiry>:<id>`. */
  readonly credentialId: string;
  /** MESSAGE-INTEGRITY key for the response. */
  readonly key: Buffer;
}

/**
 * A refusal: the error code to answer with, whether the answer carries a
 * REALM and a fresh NONCE (the challenge), and why, unless it is the normal
 * first 401 of a client that has not authenticated yet.
 */
export interface Refused {
  readonly ok: false;
  readonly code: 400 | 401 | 438;
  readonly challenge: boolean;
  readonly rejection: AuthRejection | undefined;
}

export type AuthenticationResult = Authenticated | Refused;

/** Longest USERNAME, REALM and NONCE values RFC 8489 allows (in bytes, 763 for the quoted strings). */
const MAX_USERNAME_BYTES = 513;
const MAX_QUOTED_BYTES = 763;

export class RestAuthentication {
  private readonly nonces: StatelessNonces;

  constructor(private readonly options: RestAuthenticationOptions) {
    this.nonces = new StatelessNonces(options.nonceLifetimeSeconds * 1000, options.now);
  }

  /** A fresh nonce for a challenge (401, 438). */
  issueNonce(): string {
    return this.nonces.issue();
  }

  authenticate(message: DecodedStunMessage): AuthenticationResult {
    if (message.integrityOffset === undefined) {
      return { ok: false, code: 401, challenge: true, rejection: undefined };
    }
    const username = findAttribute(message, StunAttribute.Username);
    const realm = findAttribute(message, StunAttribute.Realm);
    const nonce = findAttribute(message, StunAttribute.Nonce);
    if (
      username === undefined ||
      realm === undefined ||
      nonce === undefined ||
      username.length > MAX_USERNAME_BYTES ||
      realm.length > MAX_QUOTED_BYTES ||
      nonce.length > MAX_QUOTED_BYTES
    ) {
      return { ok: false, code: 400, challenge: false, rejection: 'bad-request' };
    }
    if (!this.nonces.isValid(nonce.toString('latin1'))) {
      return { ok: false, code: 438, challenge: true, rejection: 'stale-nonce' };
    }
    const name = username.toString('utf8');
    const parsed = parseTurnUsername(name, this.options.now());
    if (!parsed.ok) {
      const rejection = parsed.reason === 'expired' ? 'expired' : 'malformed-username';
      return { ok: false, code: 401, challenge: true, rejection };
    }
    // The client computed its key with the realm it was given, which is ours.
    const key = longTermKey(name, this.options.realm, turnPasswordFor(this.options.secret, name));
    if (checkMessageIntegrity(message, key) !== 'valid') {
      return { ok: false, code: 401, challenge: true, rejection: 'forged' };
    }
    return { ok: true, username: name, credentialId: parsed.id, key };
  }
}
