/**
 * The whole product in one process: the app on an HTTP server and, unless
 * TURN is external or off, the embedded TURN server. Used by main.ts and by
 * tests that need the real thing, TURN included.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { RequestHandler } from 'express';
import { startEmbeddedTurn, type EmbeddedTurn, type TurnLogEvent } from '@mayfly/turn';
import { createApp, type MayflyApp } from './app.js';
import { connectCluster, type Cluster } from './cluster.js';
import type { Config, HttpConfig } from './config.js';
import { createIceServerProvider, usesLocalScope } from './ice-servers.js';
import { systemClock, type Clock } from '@mayfly/protocol';
import type { MetadataLog } from './metadata-log.js';
import type { Metrics } from './metrics.js';

export interface Mayfly {
  readonly httpServer: HttpServer;
  readonly app: MayflyApp;
  /** The Redis connection shared with other nodes, when REDIS_URL is set. */
  readonly cluster: Cluster | undefined;
  /** The embedded TURN server, when TURN_MODE is embedded. */
  readonly turn: EmbeddedTurn | undefined;
  /**
   * Listens on the configured port and host (and the metrics server on METRICS_PORT, when
   * set); resolves with the bound port.
   */
  listen(): Promise<number>;
  /** The port the metrics server listens on, once listening; undefined without one. */
  metricsPort(): number | undefined;
  /** Graceful shutdown: clients are told, then HTTP, Socket.IO and TURN close. */
  close(): Promise<void>;
}

export interface MayflyOptions {
  readonly webHandler?: RequestHandler;
  readonly clock?: Clock;
}

/** Writes the relay's metadata events worth keeping; refreshes are too frequent to be worth a line. */
export function recordRelayEvent(
  metadataLog: Pick<MetadataLog, 'write'>,
  event: TurnLogEvent,
): void {
  switch (event.type) {
    case 'allocation-created':
      metadataLog.write({ event: 'relay_allocated', lifetimeSeconds: event.lifetimeSeconds });
      break;
    case 'allocation-closed':
      metadataLog.write({ event: 'relay_closed', reason: event.reason });
      break;
    case 'auth-rejected':
      metadataLog.write({ event: 'relay_refused', reason: event.reason });
      break;
    case 'peer-denied':
    case 'quota-exceeded':
      metadataLog.write({ event: 'relay_refused', reason: event.type });
      break;
    case 'error':
      console.error(`turn: ${event.where}: ${event.code}`);
      break;
    default:
      break;
  }
}

/**
 * The HTTP server under everything. A connection that opens and never
 * completes its request (slowloris, or a half-open TCP connection) is
 * answered 408 and closed once the bound passes; Node's own defaults are a
 * minute for headers and five for the request. Upgraded WebSockets and
 * long-polling requests waiting for data are no longer receiving a request,
 * so no bound applies to them: Engine.IO's heartbeat does.
 */
export function createHttpServer(http: HttpConfig): HttpServer {
  return createServer({
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    // Node checks the bounds only this often (30 s by default): a slow
    // client is closed within the bound plus this interval.
    connectionsCheckingInterval: Math.min(1000, Math.ceil(http.headersTimeoutMs / 4)),
  });
}

/** A server of its own for Prometheus: `GET /metrics` and nothing else, never the web client. */
function createMetricsServer(metrics: Metrics): HttpServer {
  return createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        response.end(body);
      },
      (error: unknown) => {
        console.error(`mayfly: metrics failed: ${(error as Error).name}`);
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
}

function listenOn(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function boundPort(server: HttpServer): number | undefined {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : undefined;
}

export async function startMayfly(config: Config, options: MayflyOptions = {}): Promise<Mayfly> {
  const clock = options.clock ?? systemClock;
  const httpServer = createHttpServer(config.http);
  let turn: EmbeddedTurn | undefined;
  const iceServersFor = createIceServerProvider(config, () => turn, clock);
  const cluster =
    config.redis === undefined
      ? undefined
      : await connectCluster(config.redis, {
          matching: config.matching,
          moderation: config.moderation,
          addressLimits: config.addressLimits,
          maxConnectionsPerAddress: config.maxConnectionsPerAddress,
          clock,
        });
  const app = createApp(httpServer, config, {
    clock,
    ...(cluster === undefined ? {} : { cluster }),
    ...(options.webHandler === undefined ? {} : { webHandler: options.webHandler }),
    iceServersFor,
    ...(config.turn.mode === 'embedded' ? { relayedBytes: () => turn?.relayedBytes() } : {}),
  });

  if (config.turn.mode === 'embedded') {
    try {
      turn = await startEmbeddedTurn({
        port: config.turn.port,
        listenAddress: config.turn.listenAddress,
        secret: config.turn.secret,
        realm: config.turn.realm,
        ...(config.turn.externalIp === undefined ? {} : { externalIp: config.turn.externalIp }),
        allowedPeers: config.turn.allowedPeers,
        localScope: usesLocalScope(config.turn),
        maxAllocationsPerUser: config.turn.maxAllocationsPerUser,
        defaultLifetimeSeconds: config.turn.allocationLifetimeSeconds,
        log: (event) => recordRelayEvent(app.metadata, event),
        now: () => clock.now(),
      });
    } catch (error) {
      await app.close();
      throw error;
    }
  }

  const metricsServer =
    config.metrics.port === undefined || app.metrics === undefined
      ? undefined
      : createMetricsServer(app.metrics);

  return {
    httpServer,
    app,
    cluster,
    turn,
    async listen() {
      await listenOn(httpServer, config.port, config.host);
      if (metricsServer !== undefined) {
        await listenOn(metricsServer, config.metrics.port ?? 0, config.metrics.listenAddress);
      }
      return boundPort(httpServer) ?? config.port;
    },
    metricsPort: () => (metricsServer === undefined ? undefined : boundPort(metricsServer)),
    async close() {
      metricsServer?.close();
      // The relay's last lines (relay_closed) go into the log before it closes.
      await app.close(async () => {
        await turn?.close();
      });
    },
  };
}
