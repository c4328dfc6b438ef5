/**
 * Entry point: parse the configuration, build the app, listen, and shut
 * down within a bound on SIGTERM or SIGINT.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { createApp } from './app.js';
import { ConfigError, parseConfig, type Config } from './config.js';

async function loadWebHandler(config: Config): Promise<RequestHandler | undefined> {
  const handlerFile = path.join(config.webBuildDir, 'handler.js');
  if (!existsSync(handlerFile)) {
    console.warn(`web client not built (${handlerFile} missing): serving the API only`);
    return undefined;
  }
  const module = (await import(pathToFileURL(handlerFile).href)) as { handler: RequestHandler };
  return module.handler;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = parseConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mayfly: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  const httpServer = createServer();
  const app = createApp(httpServer, config, { webHandler: await loadWebHandler(config) });

  httpServer.listen(config.port, config.host, () => {
    const address = httpServer.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    console.log(
      `mayfly: listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
    );
    console.log(
      `mayfly: metadata logs in ${config.log.dir}, kept ${config.log.retentionDays} days`,
    );
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`mayfly: ${signal} received, shutting down`);
    setTimeout(() => {
      console.error('mayfly: shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`mayfly: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
