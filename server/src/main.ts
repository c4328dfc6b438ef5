/**
 * Entry point: parse the configuration, start the product, listen, and shut
 * down within a bound on SIGTERM or SIGINT.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { safeUrl } from './cluster.js';
import { renderHelp } from './config-options.js';
import { ConfigError, parseConfig, type Config } from './config.js';
import { startMayfly, type Mayfly } from './server.js';

async function loadWebHandler(config: Config): Promise<RequestHandler | undefined> {
  const handlerFile = path.join(config.webBuildDir, 'handler.js');
  if (!existsSync(handlerFile)) {
    console.warn(`mayfly: web client not built (${handlerFile} missing): serving the API only`);
    return undefined;
  }
  const module = (await import(pathToFileURL(handlerFile).href)) as { handler: RequestHandler };
  return module.handler;
}

function readConfig(): Config {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(renderHelp('npm start --'));
    process.exit(0);
  }
  try {
    return parseConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mayfly: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const webHandler = await loadWebHandler(config);
  let mayfly: Mayfly;
  let port: number;
  try {
    mayfly = await startMayfly(config, webHandler === undefined ? {} : { webHandler });
    port = await mayfly.listen();
  } catch (error) {
    // Typical causes: the port is taken, or the address is not on this host.
    const { code, message } = error as NodeJS.ErrnoException;
    console.error(`mayfly: cannot start: ${code ?? ''} ${message}`.replace(/\s+/gu, ' '));
    process.exit(1);
  }

  const shownHost = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`mayfly: listening on http://${shownHost}:${port}`);
  if (mayfly.turn !== undefined) {
    console.log(
      `mayfly: embedded TURN on UDP${mayfly.turn.tcp ? ' and TCP' : ''} ${mayfly.turn.port}, relay address ${mayfly.turn.relayAddress}`,
    );
  } else {
    console.log(
      `mayfly: TURN ${config.turn.mode === 'off' ? 'off' : `external: ${config.turn.urls.join(', ')}`}`,
    );
  }
  if (config.turn.mode !== 'off' && config.turn.secretIsEphemeral) {
    console.log('mayfly: TURN_SECRET unset: using a random secret for this process');
  }
  if (mayfly.cluster !== undefined && config.redis !== undefined) {
    console.log(
      `mayfly: sharing state through Redis at ${safeUrl(config.redis.url)} as node ${mayfly.cluster.nodeId}`,
    );
  }
  if (config.pow.mode !== 'off') {
    const when =
      config.pow.mode === 'on'
        ? 'on'
        : `auto, above ${config.pow.autoConnectionsPerMinute} connection attempts a minute`;
    console.log(`mayfly: proof of work ${when}, difficulty ${config.pow.difficulty}`);
    if (config.pow.secretIsEphemeral) {
      console.log('mayfly: POW_SECRET unset: using a random secret for this process');
    }
  }
  const metricsPort = mayfly.metricsPort();
  if (metricsPort !== undefined) {
    console.log(`mayfly: metrics on http://${config.metrics.listenAddress}:${metricsPort}/metrics`);
  }
  if (config.metrics.token !== undefined) {
    console.log('mayfly: metrics also on /metrics of the main port, with METRICS_TOKEN');
  }
  console.log(`mayfly: metadata logs in ${config.log.dir}, kept ${config.log.retentionDays} days`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`mayfly: ${signal} received, shutting down`);
    setTimeout(() => {
      console.error('mayfly: shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    mayfly.close().then(
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
