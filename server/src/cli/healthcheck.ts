/**
 * The container image's health check: exits 0 when the server of this
 * configuration answers `GET /healthz` with 200, 1 otherwise (503 while it
 * shuts down, or nothing at all). It reads PORT and HOST as the server does;
 * a server listening on every address is asked on loopback.
 *
 *   node server/dist/cli/healthcheck.js
 */
import { readOptions } from '../config-options.js';

const TIMEOUT_MS = 4000;

function healthUrl(): string {
  const { PORT: port, HOST: host } = readOptions(process.env);
  const address =
    host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host.replace(/^\[|\]$/gu, '');
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}/healthz`;
}

const url = healthUrl();
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) {
    console.error(`healthcheck: ${url} answered ${response.status}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`healthcheck: ${url}: ${(error as Error).message}`);
  process.exit(1);
}
