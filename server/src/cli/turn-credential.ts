/**
 * Prints a TURN credential minted from TURN_SECRET, as JSON
 * `{ username, credential, ttl }`, for testing a TURN server by hand
 * (e.g. with turnutils_uclient or a browser's ICE test page).
 *
 *   TURN_SECRET=... npm run turn-credential
 */
import { mintTurnCredential } from '@mayfly/turn';
import { readCommandLine, requireSharedSecret } from './cli-config.js';

const COMMAND = 'turn-credential';
const { config } = readCommandLine(COMMAND, []);
const credential = mintTurnCredential({
  secret: requireSharedSecret(COMMAND, config),
  ttlSeconds: config.turn.credentialTtlSeconds,
});
console.log(JSON.stringify(credential));
