import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Connect, Logger, Plugin, PreviewServer, ViteDevServer } from 'vite';

type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** The part of `@mayfly/server` this plugin relies on. */
interface SignalingModule {
  parseConfig(env: Readonly<Record<string, string | undefined>>, argv?: readonly string[]): unknown;
  createSignaling(
    httpServer: HttpServer,
    config: unknown,
  ): { routes: NodeMiddleware; close(): Promise<void> };
}

function isSignalingModule(value: unknown): value is SignalingModule {
  const candidate = value as Partial<SignalingModule> | null;
  return (
    typeof candidate?.createSignaling === 'function' && typeof candidate.parseConfig === 'function'
  );
}

type Loader = () => Promise<unknown>;

// A variable, so that type-checking does not depend on the package's build output.
const SIGNALING_PACKAGE: string = '@mayfly/server';

/**
 * Runs the signaling service inside `vite dev` / `vite preview`, on the same port as the page,
 * like production does, with its routes (/healthz, /privacy.json). Vite re-runs
 * `configureServer` on every restart (config edits) with a new HTTP server; each server gets at
 * most one signaling instance, closed together with it.
 */
export function mayflySignaling(): Plugin {
  const attached = new WeakSet<HttpServer>();
  let routes: NodeMiddleware | undefined;

  async function attach(httpServer: HttpServer, load: Loader, logger: Logger): Promise<void> {
    if (attached.has(httpServer)) return;
    attached.add(httpServer);
    let signalingModule: unknown;
    try {
      signalingModule = await load();
    } catch (error) {
      logger.warn(
        `[mayfly] signaling not loaded, the page will show "server unreachable": ${String(error)}`,
      );
      return;
    }
    if (!isSignalingModule(signalingModule)) {
      logger.warn('[mayfly] @mayfly/server does not export createSignaling/parseConfig');
      return;
    }
    const config = signalingModule.parseConfig(devEnvironment(process.env));
    const signaling = signalingModule.createSignaling(httpServer, config);
    routes = signaling.routes;
    httpServer.once('close', () => {
      routes = undefined;
      signaling.close().catch((error: unknown) => {
        logger.error(`[mayfly] closing signaling failed: ${String(error)}`);
      });
    });
    logger.info('[mayfly] signaling attached at /socket.io/');
  }

  const serveRoutes: Connect.NextHandleFunction = (request, response, next) => {
    if (routes === undefined) return next();
    routes(request, response, next);
  };

  function whenListening(httpServer: HttpServer, run: () => Promise<void>): void {
    if (httpServer.listening) void run();
    else httpServer.once('listening', () => void run());
  }

  return {
    name: 'mayfly-signaling',
    configureServer(server: ViteDevServer) {
      server.middlewares.use(serveRoutes);
      const httpServer = server.httpServer as HttpServer | null;
      if (httpServer === null) return; // middleware mode: the host application owns signaling
      // Loaded through Vite so the TypeScript source runs without a build of the package.
      whenListening(httpServer, () =>
        attach(httpServer, () => server.ssrLoadModule(SIGNALING_PACKAGE), server.config.logger),
      );
    },
    configurePreviewServer(server: PreviewServer) {
      server.middlewares.use(serveRoutes);
      const httpServer = server.httpServer as HttpServer;
      whenListening(httpServer, () =>
        attach(httpServer, () => import(SIGNALING_PACKAGE), server.config.logger),
      );
    },
  };
}

/** Development defaults: logs under the OS temp dir, no TURN unless the developer asks. */
function devEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return {
    LOG_DIR: `${process.env.TMPDIR ?? '/tmp'}/mayfly-dev-logs`,
    TURN_MODE: 'off',
    ...env,
  };
}
