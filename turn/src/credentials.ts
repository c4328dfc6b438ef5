/**
 * Time-limited TURN credentials, coturn's "TURN REST API" scheme.
 *
 * The signaling server and the TURN server share a secret and nothing else:
 * username = `<unix expiry>:<id>`, password = base64(HMAC-SHA1(secret, username)).
 * Any holder of the secret can check a credential without a user database,
 * which is what both coturn (`use-auth-secret`) and our embedded server do.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TurnOptionError } from './errors.js';

/** What browsers put in `RTCIceServer`: `{ urls, username, credential }`. */
export interface TurnCredential {
  readonly username: string;
  readonly credential: string;
  /** Seconds the credential stays valid from when it was minted. */
  readonly ttl: number;
}

export interface MintTurnCredentialOptions {
  /** Shared with the TURN server; at least 16 characters. */
  readonly secret: string;
  /** Validity in seconds; longer than the longest call, since Refresh needs it too. */
  readonly ttlSeconds: number;
  /**
   * Opaque id after the colon; the embedded server counts its allocation quota
   * per id. Letters, digits and `._~-`, up to 64. @default 16 random hex digits
   */
  readonly id?: string;
  /**
   * For a browser on the TURN server's own machine (someone trying Mayfly
   * out): the id gets the prefix `local-`, which an embedded server with
   * `localScope` honours for allocations made from this machine (see
   * EmbeddedTurnOptions.localScope). The HMAC covers the whole username, so
   * only a holder of the secret can mint such a credential. @default false
   */
  readonly local?: boolean;
  /** Clock in milliseconds since the epoch. @default Date.now() */
  readonly now?: number;
}

/** The id prefix of credentials minted with `local: true`. */
export const LOCAL_ID_PREFIX = 'local-';

/** Whether a credential id (the part after the colon) marks a client on this machine. */
export function isLocalCredentialId(id: string): boolean {
  return id.startsWith(LOCAL_ID_PREFIX);
}

export const MIN_SECRET_LENGTH = 16;

const ID_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/u;
const USERNAME_PATTERN = /^(\d{1,12}):([A-Za-z0-9._~-]{1,64})$/u;

export function assertTurnSecret(secret: string, option = 'secret'): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new TurnOptionError(option, `must be at least ${MIN_SECRET_LENGTH} characters`);
  }
}

/** The password coturn derives for a REST API username. */
export function turnPasswordFor(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

export function mintTurnCredential(options: MintTurnCredentialOptions): TurnCredential {
  const { secret, ttlSeconds, local = false, now = Date.now() } = options;
  const given = options.id ?? randomBytes(8).toString('hex');
  assertTurnSecret(secret);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new TurnOptionError('ttlSeconds', 'must be a positive integer');
  }
  if (!local && isLocalCredentialId(given)) {
    throw new TurnOptionError('id', `the ${LOCAL_ID_PREFIX} prefix is for the local option only`);
  }
  const id = local ? `${LOCAL_ID_PREFIX}${given}` : given;
  if (!ID_PATTERN.test(id)) {
    throw new TurnOptionError('id', 'must be 1-64 letters, digits or ._~- (no colon)');
  }
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${id}`;
  return { username, credential: turnPasswordFor(secret, username), ttl: ttlSeconds };
}

export type TurnUsername =
  | { readonly ok: true; readonly expiresAtSeconds: number; readonly id: string }
  | { readonly ok: false; readonly reason: 'malformed' | 'expired' };

/**
 * Reads a REST API username. Only the shape {@link mintTurnCredential}
 * produces is accepted, so `constructor`, `__proto__` and friends are
 * `malformed` before any lookup happens.
 */
export function parseTurnUsername(username: string, now: number): TurnUsername {
  const match = USERNAME_PATTERN.exec(username);
  if (match === null) return { ok: false, reason: 'malformed' };
  const [, expiry = '', id = ''] = match;
  const expiresAtSeconds = Number(expiry);
  if (expiresAtSeconds * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAtSeconds, id };
}

export type TurnCredentialCheck =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'expired' | 'forged' };

export interface VerifyTurnCredentialOptions {
  readonly secret: string;
  readonly username: string | undefined;
  readonly credential: string | undefined;
  /** Clock in milliseconds since the epoch. @default Date.now() */
  readonly now?: number;
}

/** Checks a username/credential pair as a TURN server holding `secret` would. */
export function verifyTurnCredential(options: VerifyTurnCredentialOptions): TurnCredentialCheck {
  const { secret, username, credential, now = Date.now() } = options;
  if (username === undefined || username === '' || credential === undefined || credential === '') {
    return { ok: false, reason: 'missing' };
  }
  const parsed = parseTurnUsername(username, now);
  if (!parsed.ok) return parsed;
  const expected = Buffer.from(turnPasswordFor(secret, username));
  const given = Buffer.from(credential);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'forged' };
  }
  return { ok: true, id: parsed.id };
}
