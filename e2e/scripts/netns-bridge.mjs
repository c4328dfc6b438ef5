#!/usr/bin/env node
/**
 * Runs a browser inside another network namespace while its automation stays reachable from
 * this one: `node netns-bridge.mjs <netns path> <browser> [browser args...]`.
 *
 * puppeteer-core drives Firefox over a WebSocket that Firefox opens on its own loopback, which
 * in another namespace this process cannot reach. So this script, standing in for the browser
 * executable (e2e/support/network-lab.ts writes a wrapper that runs it), starts the browser
 * through `nsenter`, watches its stderr for the line that names that WebSocket, listens on the same
 * port of this namespace's loopback (Firefox checks the port of the Host header), and then
 * passes the line on. Each connection made to
 * it is carried into the namespace by `nsenter … socat`. Everything else passes through.
 *
 * The browser gets SIGKILL when this script dies (`setpriv --pdeathsig`), so a namespace is never
 * kept alive by a browser nobody drives.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { forwardInto } from './netns-forward.mjs';

const [netns, browser, ...browserArgs] = process.argv.slice(2);
if (netns === undefined || browser === undefined) {
  console.error('usage: netns-bridge.mjs <netns path> <browser> [args...]');
  process.exit(2);
}
const enter = [`--net=${netns}`, '--'];
const child = spawn(
  'nsenter',
  [...enter, 'setpriv', '--pdeathsig', 'KILL', '--', browser, ...browserArgs],
  { stdio: ['inherit', 'inherit', 'pipe'] },
);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + 9)));

const ENDPOINT = /^(WebDriver BiDi|DevTools) listening on ws:\/\/127\.0\.0\.1:(\d+)(\/.*)?$/u;

const lines = createInterface({ input: child.stderr });
lines.on('line', (line) => {
  const match = ENDPOINT.exec(line);
  if (match === null) {
    process.stderr.write(`${line}\n`);
    return;
  }
  const [, protocol, port, rest = ''] = match;
  // The same port here: Firefox refuses a handshake whose Host header names another port.
  void forwardInto(netns, Number(port), Number(port)).then((forward) => {
    // This script lives as long as the browser: the listener must not keep it alive longer.
    forward.server.unref();
    process.stderr.write(`${protocol} listening on ws://127.0.0.1:${forward.port}${rest}\n`);
  });
});
