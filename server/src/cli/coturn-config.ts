/**
 * Writes a commented coturn `turnserver.conf` matching this deployment's
 * configuration (secret, realm, port, external address, allowed peers).
 *
 *   TURN_SECRET=... npm run coturn-config -- --out /etc/turnserver.conf
 *   ... --tls-cert /etc/coturn/fullchain.pem --tls-key /etc/coturn/privkey.pem [--tls-port 443]
 *
 * Without --tls-cert and --tls-key the file carries commented TLS guidance and `no-tls`.
 */
import { writeFileSync } from 'node:fs';
import { renderCoturnConfig, TurnOptionError, type CoturnTlsOptions } from '@mayfly/turn';
import { fail, readCommandLine, requireSharedSecret } from './cli-config.js';

const COMMAND = 'coturn-config';
const { config, options } = readCommandLine(COMMAND, [
  'out',
  'relay-ip',
  'listening-ip',
  'tls-cert',
  'tls-key',
  'tls-port',
]);
const secret = requireSharedSecret(COMMAND, config);

/** TURN over TLS (`turns:`), for browsers on networks that let only web traffic through. */
function tlsOptions(): CoturnTlsOptions | undefined {
  const { 'tls-cert': certFile, 'tls-key': keyFile, 'tls-port': port } = options;
  if (certFile === undefined && keyFile === undefined) {
    if (port !== undefined) fail(COMMAND, '--tls-port needs --tls-cert and --tls-key');
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    fail(COMMAND, '--tls-cert and --tls-key go together');
  }
  if (port !== undefined && !/^\d+$/u.test(port)) {
    fail(COMMAND, `--tls-port: expected a port number, got "${port}"`);
  }
  return { certFile, keyFile, ...(port === undefined ? {} : { port: Number(port) }) };
}
const tls = tlsOptions();

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
    ...(tls === undefined ? {} : { tls }),
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
