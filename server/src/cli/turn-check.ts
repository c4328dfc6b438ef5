/**
 * Checks the configured TURN server from this machine: allocates with a
 * credential minted from TURN_SECRET, reports the relayed address and the
 * round-trip time, and confirms that a denied peer (the link-local cloud
 * metadata address) is refused.
 * Exits 0 when everything holds, 1 otherwise.
 *
 *   TURN_SECRET=... npm run turn-check [-- --target turn.example:3478]
 */
import { isIP } from 'node:net';
import { checkTurnServer, mintTurnCredential } from '@mayfly/turn';
import { fail, readCommandLine, requireSharedSecret } from './cli-config.js';

const COMMAND = 'turn-check';
const { config, options } = readCommandLine(COMMAND, ['target', 'timeout-ms']);
const secret = requireSharedSecret(COMMAND, config);

/** host:port from --target, else the first turn: URL, else the embedded server on this host. */
function target(): { host: string; port: number } {
  const explicit = options.target;
  const fromUrl = config.turn.urls
    .find((url) => url.startsWith('turn:'))
    ?.replace(/^turn:/u, '')
    .replace(/\?.*$/u, '');
  const text = explicit ?? fromUrl ?? `127.0.0.1:${config.turn.port}`;
  const match = /^\[?([^\]]+?)\]?(?::(\d{1,5}))?$/u.exec(text);
  if (match?.[1] === undefined) fail(COMMAND, `cannot read a host and port from "${text}"`);
  return { host: match[1], port: match[2] === undefined ? 3478 : Number(match[2]) };
}

const { host, port } = target();
const timeoutText = options['timeout-ms'] ?? '3000';
if (!/^\d{1,6}$/u.test(timeoutText) || Number(timeoutText) < 100) {
  fail(COMMAND, `--timeout-ms: expected milliseconds from 100 to 999999, got "${timeoutText}"`);
}
const timeoutMs = Number(timeoutText);
const { username, credential } = mintTurnCredential({ secret, ttlSeconds: 300 });
// The cloud metadata address: the classic target of a relay abused for SSRF,
// and never this server's own relay address. On an IPv6 relay, its
// IPv4-mapped form (CVE-2026-27624 in coturn before 4.9.0).
const deniedPeer = isIP(host) === 6 ? '::ffff:169.254.169.254' : '169.254.169.254';
const result = await checkTurnServer({ host, port, username, credential, deniedPeer, timeoutMs });

console.log(`TURN server        ${host}:${port} (udp)`);
if (!result.allocated) {
  console.log(`allocation         FAILED: ${JSON.stringify(result.failure)}`);
  process.exit(1);
}
const relayed = result.relayedAddress;
console.log(
  `allocation         ok, relayed address ${relayed?.address ?? '?'}:${relayed?.port ?? '?'}`,
);
console.log(
  `round trip         ${result.rttMs === undefined ? 'n/a (retransmitted)' : `${result.rttMs.toFixed(1)} ms`}`,
);
console.log(
  `denied peer        ${deniedPeer} ${result.deniedPeerRefused === true ? 'refused (403), as it should be' : 'NOT REFUSED: the relay can reach private addresses'}`,
);
process.exit(result.deniedPeerRefused === true ? 0 : 1);
