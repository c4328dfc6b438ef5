# syntax=docker/dockerfile:1
#
# Mayfly in one image: the page, signaling and the embedded TURN relay in one
# process, as `npm start` runs them (`node --max-semi-space-size=2 server/dist/main.js`).
#
#   docker build -t mayfly .
#   docker run --network host --read-only -v mayfly-logs:/var/lib/mayfly/logs mayfly
#
# deploy/compose.yaml runs several of these behind Caddy, with Redis and coturn;
# docs/self-hosting.md has both. Every option is an environment variable (README).

# ---- build: every dependency, then the TypeScript and the web client ---------
FROM docker.io/library/node:24-bookworm-slim AS build
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# The manifests alone first, so that the dependency layer survives source edits.
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY turn/package.json turn/
COPY signaling/package.json signaling/
COPY server/package.json server/
COPY web/package.json web/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# No install scripts: none of what the build needs has one that matters (package.json's
# allowScripts lists them), and the project's own would run before its sources are here.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts --include-workspace-root \
      --workspace protocol --workspace turn --workspace signaling --workspace server \
      --workspace web
COPY scripts scripts
COPY tsconfig.json ./
COPY protocol protocol
COPY turn turn
COPY signaling signaling
COPY server server
COPY web web
RUN npm run build

# ---- runtime tree: production dependencies and the build output only --------
FROM docker.io/library/node:24-bookworm-slim AS runtime-tree
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/protocol/package.json protocol/
COPY --from=build /app/turn/package.json turn/
COPY --from=build /app/signaling/package.json signaling/
COPY --from=build /app/server/package.json server/
COPY --from=build /app/web/package.json web/
COPY --from=build /app/e2e/package.json e2e/
COPY --from=build /app/bench/package.json bench/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts --omit=dev \
      --workspace server --workspace web \
 && rm -rf e2e bench
COPY --from=build /app/protocol/dist protocol/dist
COPY --from=build /app/turn/dist turn/dist
COPY --from=build /app/signaling/dist signaling/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/build web/build

# ---- the image ----------------------------------------------------------------
FROM docker.io/library/node:24-bookworm-slim
ENV NODE_ENV=production \
    LOG_DIR=/var/lib/mayfly/logs
WORKDIR /app
# Owned by root: the service cannot change its own code.
COPY --from=runtime-tree /app /app
# The only place it writes: daily metadata logs and their day keys (docs/privacy.md). A
# volume, so that they outlive the container and the root filesystem can be read-only.
RUN mkdir -p /var/lib/mayfly/logs \
 && chown node:node /var/lib/mayfly/logs \
 && chmod 0700 /var/lib/mayfly/logs
VOLUME ["/var/lib/mayfly/logs"]
USER node
# HTTP and Socket.IO (PORT); the embedded TURN relay (TURN_PORT), which also needs its relay
# ports: run with --network host when it relays (docs/self-hosting.md).
EXPOSE 3000/tcp 3478/udp
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "server/dist/cli/healthcheck.js"]
# node is PID 1 and handles SIGTERM itself: clients are told, connections close, and it exits
# within SHUTDOWN_TIMEOUT_MS (5 s), inside `docker stop`'s 10 s.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-semi-space-size=2", "server/dist/main.js"]
