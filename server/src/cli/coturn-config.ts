/**
 * Writes a commented coturn `turnserver.conf` matching this deployment's
 * configuration (secret, realm, port, external address, allowed peers).
 *
 *   TURN_SECRET=... npm run coturn-config -- --out /etc/turnserver.conf
 */
import { writeFileSync } from 'node:fs';
import { renderCoturnConfig, TurnOptionError } from '@mayfly/turn';
import { fail, readCommandLine, requireSharedSecret } from './cli-config.js';

const COMMAND = 'coturn-config';
const { config, options } = readCommandLine(COMMAND, ['out', 'relay-ip', 'listening-ip']);
const secret = requireSharedSecret(COMMAND, config);

let rendered: string;
try {
  rendered = renderCoturnConfig({
    secret,
    realm: config.turn.realm,
    listeningPort: config.turn.port,
    allowedPeers: config.turn.allowedPeers,
    userQuota: config.turn.maxAllocationsPerUser,
    ...(config.turn.externalIp === undefined ? {} : { externalIp: config.turn.externalIp }),
    ...(options['relay-ip'] === undefined ? {} : { relayIp: options['relay-ip'] }),
    ...(options['listening-ip'] === undefined ? {} : { listeningIp: options['listening-ip'] }),
  });
} catch (error) {
  if (error instanceof TurnOptionError) fail(COMMAND, error.message);
  throw error;
}

const out = options.out;
if (out === undefined) {
  process.stdout.write(rendered);
} else {
  // The file holds the shared secret: readable by its owner only.
  writeFileSync(out, rendered, { mode: 0o600 });
  console.error(`${COMMAND}: wrote ${out}`);
}
