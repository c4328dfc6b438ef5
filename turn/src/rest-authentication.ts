/**
 * node-turn's long-term authentication, fed with TURN REST API credentials
 * (see credentials.ts) and stateless nonces, and reporting why it refused a
 * request as metadata.
 */
import { parseTurnUsername, turnPasswordFor } from './credentials.js';
import type { NodeTurnAuthentication, NodeTurnMessage } from './node-turn-internals.js';
import { StatelessNonces } from './stateless-nonce.js';
import type { AuthRejection, TurnLog } from './turn-log.js';

/**
 * Defect 4: node-turn looks passwords up as `credentials[username]`. With a
 * plain object, username `constructor` finds Object's constructor and
 * password `String(Object)` authenticates; `__proto__` finds a prototype.
 * This Proxy over a null-prototype object answers only well-formed,
 * unexpired REST API usernames, with the password derived from the secret.
 */
export function restCredentials(
  secret: string,
  now: () => number,
): Record<string, string | undefined> {
  return new Proxy(Object.create(null) as Record<string, string | undefined>, {
    get: (_target, username) =>
      typeof username === 'string' && parseTurnUsername(username, now()).ok
        ? turnPasswordFor(secret, username)
        : undefined,
    // node-turn's addUser() would write here; there are no static users.
    set: () => false,
  });
}

export interface RestAuthenticationOptions {
  readonly nonceLifetimeSeconds: number;
  readonly now: () => number;
  readonly log: TurnLog;
}

/** Replaces node-turn's nonces (defect 6) and logs each refusal but the first 401 challenge. */
export function installRestAuthentication(
  authentication: NodeTurnAuthentication,
  options: RestAuthenticationOptions,
): void {
  const nonces = new StatelessNonces(options.nonceLifetimeSeconds * 1000, options.now);
  authentication.generateNonce = () => nonces.issue();
  authentication.checkNonce = (nonce) => nonces.isValid(nonce);
  const longTerm = authentication.longTerm.bind(authentication);
  authentication.longTerm = (message, callback) => {
    longTerm(message, (error, reply) => {
      if (error !== null) {
        const reason = authRejection(message, error, options.now());
        if (reason !== undefined) options.log({ type: 'auth-rejected', reason });
      }
      callback(error, reply);
    });
  };
}

/** Why node-turn refused a request; undefined for the normal first 401 challenge. */
function authRejection(
  message: NodeTurnMessage,
  error: Error,
  now: number,
): AuthRejection | undefined {
  switch (error.message) {
    case 'Stale Nonce':
      return 'stale-nonce';
    case 'Bad Request':
      return 'bad-request';
    case 'Wrong Credentials':
      return 'wrong-credentials';
    default: {
      if (message.getAttribute('message-integrity') === undefined) return undefined;
      const username = parseTurnUsername(message.getAttribute('username') ?? '', now);
      if (username.ok) return 'forged';
      return username.reason === 'expired' ? 'expired' : 'malformed-username';
    }
  }
}
