import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { createApp, type AppDeps } from './app.js';
import type { Config } from './config.js';

export { createApp, type AppDeps, type MayflyApp } from './app.js';
export { ConfigError, parseConfig, type Config } from './config.js';
export { buildPrivacyStatement } from './privacy.js';

/** A connect-style middleware on plain Node request and response objects. */
export type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Signaling for an HTTP server that answers requests itself, such as the
 * Vite dev server: attaches Socket.IO and returns the service's routes
 * (/healthz, /privacy.json) as a middleware for the host to mount.
 */
export function createSignaling(
  httpServer: HttpServer,
  config: Config,
  deps: Omit<AppDeps, 'serveHttp' | 'webHandler'> = {},
): { routes: NodeMiddleware; close(): Promise<void> } {
  const app = createApp(httpServer, config, { ...deps, serveHttp: false });
  return {
    // An express app accepts plain Node objects and adds its request and
    // response methods to them itself; the casts only tell TypeScript so.
    routes: (request, response, next) => {
      app.routes(request as Request, response as Response, next);
    },
    close: () => app.close(),
  };
}
