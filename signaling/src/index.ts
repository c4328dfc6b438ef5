import type { Server as HttpServer } from 'node:http';
import type { Router } from 'express';
import { createApp, type AppDeps } from './app.js';
import type { Config } from './config.js';

export { createApp, type AppDeps, type MayflyApp } from './app.js';
export { ConfigError, parseConfig, type Config } from './config.js';
export { buildPrivacyStatement } from './privacy.js';

/**
 * Signaling for an HTTP server that answers requests itself, such as the
 * Vite dev server: attaches Socket.IO and returns the service's routes
 * (/healthz, /privacy.json) for the host to mount.
 */
export function createSignaling(
  httpServer: HttpServer,
  config: Config,
  deps: Omit<AppDeps, 'serveHttp' | 'webHandler'> = {},
): { routes: Router; close(): Promise<void> } {
  const app = createApp(httpServer, config, { ...deps, serveHttp: false });
  return { routes: app.routes, close: () => app.close() };
}
