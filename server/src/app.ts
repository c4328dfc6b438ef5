/**
 * Builds the whole service on an existing HTTP server without listening:
 * the express routes, Socket.IO signaling and, when given, the web client's
 * request handler. The entry point (main.ts) parses config and listens;
 * tests build the same thing on port 0.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { POW_CHALLENGE_PATH, systemClock, type Clock, type IceServer } from '@mayfly/protocol';
import { attachSignaling, type MetadataSink, type Signaling } from '@mayfly/signaling';
import type { Config } from './config.js';
import { MetadataLog, type MetadataRecord } from './metadata-log.js';
import { Metrics } from './metrics.js';
import { buildPrivacyStatement } from './privacy.js';
import type { RelayedBytes } from '@mayfly/turn';
import type { Cluster } from './cluster.js';
import { ProofOfWork } from './proof-of-work.js';
import { Pseudonymizer } from './pseudonym.js';

export interface AppDeps {
  readonly clock?: Clock;
  /** adapter-node's `handler`, serving the web client; omitted in API-only tests. */
  readonly webHandler?: RequestHandler;
  /** ICE servers for a new connection; none by default. */
  readonly iceServersFor?: (request: IncomingMessage) => IceServer[];
  /**
   * Whether express answers the server's HTTP requests itself (default). The
   * Vite dev server sets false and mounts `routes` into its own middleware.
   */
  readonly serveHttp?: boolean;
  /** Several nodes on one Redis (REDIS_URL); one process in memory without. */
  readonly cluster?: Cluster;
  /** The embedded TURN relay's byte counts, for metrics; absent with another TURN mode. */
  readonly relayedBytes?: () => RelayedBytes | undefined;
}

export interface MayflyApp {
  readonly express: Express;
  /**
   * The service's own HTTP routes (/healthz, /privacy.json) with security
   * headers, as a middleware for any Node HTTP host: it calls `next` for
   * every other request.
   */
  readonly routes: Express;
  readonly signaling: Signaling;
  readonly metadataLog: MetadataLog;
  /** Where metadata records go: the log, and the metrics' counts when metrics are on. */
  readonly metadata: { write(record: MetadataRecord): void };
  /** Prometheus metrics, when METRICS_PORT or METRICS_TOKEN is set. */
  readonly metrics: Metrics | undefined;
  readonly proofOfWork: ProofOfWork;
  /**
   * Stops taking connections, tells clients, closes everything. `beforeLog` runs last before
   * the metadata log closes: the place to stop what still writes to it (the embedded TURN).
   */
  close(beforeLog?: () => Promise<void>): Promise<void>;
}

/** Headers on every response. Page-specific ones (CSP) come from the web client. */
const securityHeaders: RequestHandler = (_request, response, next) => {
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=()');
  next();
};

/** Whether an Authorization header carries the bearer token, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = Buffer.from(/^Bearer (.+)$/u.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function createApp(httpServer: HttpServer, config: Config, deps: AppDeps = {}): MayflyApp {
  const clock = deps.clock ?? systemClock;
  const metadataLog = new MetadataLog(config.log, clock);
  metadataLog.startRetentionSweeper();
  const pseudonymizer = new Pseudonymizer(metadataLog.keyDir, clock);
  const proofOfWork = new ProofOfWork(config.pow, {
    clock,
    ...(deps.cluster === undefined ? {} : { usedChallenges: deps.cluster.usedChallenges }),
    onSwitch: (on, attempts) => {
      const limit = config.pow.autoConnectionsPerMinute;
      console.log(
        `mayfly: proof of work ${on ? 'on' : 'off'}: ${attempts} connection attempts in the last minute (POW_AUTO_CONNECTIONS_PER_MINUTE=${limit})`,
      );
    },
  });
  let closing = false;
  const metricsOn = config.metrics.port !== undefined || config.metrics.token !== undefined;
  // `signaling` is created below; scrapes only arrive after that.
  const metrics = metricsOn
    ? new Metrics({
        counts: () => signaling.matching.counts(),
        connections: () => signaling.io.engine.clientsCount,
        powOn: () => proofOfWork.on,
        ...(deps.cluster === undefined
          ? {}
          : { redisUp: () => deps.cluster?.reachable() ?? false }),
        ...(deps.relayedBytes === undefined ? {} : { relayedBytes: deps.relayedBytes }),
      })
    : undefined;
  const metadata: MetadataSink & { write(record: MetadataRecord): void } = {
    write(record: MetadataRecord) {
      metadataLog.write(record);
      metrics?.record(record);
    },
  };

  // An express app rather than a Router: mounted on a plain Node server (the
  // Vite dev server) it still gives handlers express's response methods.
  const routes = express();
  routes.disable('x-powered-by');
  routes.disable('etag');
  routes.use(securityHeaders);

  routes.get('/healthz', async (_request, response) => {
    response.setHeader('Cache-Control', 'no-store');
    if (closing) {
      response.status(503).json({ status: 'shutting_down' });
      return;
    }
    const cluster = deps.cluster;
    if (cluster !== undefined && !cluster.reachable()) {
      // Still serving: calls in progress go on, and new ones once Redis is back.
      response.json({ status: 'degraded', redis: 'unreachable' });
      return;
    }
    try {
      // `signaling` is created below; requests only arrive after that.
      const counts = await signaling.matching.counts();
      response.json({ status: 'ok', ...(cluster === undefined ? {} : { redis: 'ok' }), ...counts });
    } catch {
      response.json({ status: 'degraded', redis: 'unreachable' });
    }
  });

  routes.get('/privacy.json', (_request, response) => {
    response.setHeader('Cache-Control', 'no-cache');
    response.json(buildPrivacyStatement(config, clock.now()));
  });

  const metricsToken = config.metrics.token;
  if (metrics !== undefined && metricsToken !== undefined) {
    routes.get('/metrics', async (request, response) => {
      response.setHeader('Cache-Control', 'no-store');
      if (!bearerMatches(request.headers.authorization, metricsToken)) {
        response.setHeader('WWW-Authenticate', 'Bearer');
        response.status(401).json({ error: 'unauthorized' });
        return;
      }
      const { contentType, body } = await metrics.exposition();
      response.type(contentType).send(body);
    });
  }

  // Served whatever POW says: a client only asks after a `pow_required` refusal.
  routes.get(POW_CHALLENGE_PATH, (_request, response) => {
    response.setHeader('Cache-Control', 'no-store');
    response.json(proofOfWork.challenge());
  });

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(routes);
  if (deps.webHandler !== undefined) app.use(deps.webHandler);

  app.use((_request, response) => {
    response.status(404).json({ error: 'not_found' });
  });

  // Express first: Socket.IO wraps the listeners already present and takes
  // /socket.io/ requests before they reach express.
  if (deps.serveHttp !== false) httpServer.on('request', app);
  const signaling = attachSignaling(httpServer, config, {
    clock,
    metadataLog: metadata,
    pseudonymOf: (address) => pseudonymizer.pseudonymOf(address),
    ...(metrics === undefined ? {} : { observe: (observation) => metrics.observe(observation) }),
    iceServersFor: deps.iceServersFor ?? (() => []),
    ...(config.pow.mode === 'off' ? {} : { admit: (auth) => proofOfWork.admit(auth) }),
    ...(deps.cluster === undefined
      ? {}
      : {
          matching: deps.cluster.matching,
          connectionCap: deps.cluster.connectionCap,
          moderation: deps.cluster.moderation,
          addressLimits: deps.cluster.addressLimits,
          adapter: deps.cluster.adapter,
        }),
  });

  return {
    express: app,
    routes,
    signaling,
    metadataLog,
    metadata,
    metrics,
    proofOfWork,
    async close(beforeLog?: () => Promise<void>): Promise<void> {
      if (closing) return;
      closing = true;
      await signaling.shutdown(2000);
      httpServer.closeAllConnections();
      await deps.cluster?.close();
      await beforeLog?.();
      await metadataLog.close();
    },
  };
}
