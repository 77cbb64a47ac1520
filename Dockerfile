# Duban container image: one image for both processes.
#   api (default):  node dist/apps/api/src/main.js
#   worker:         node dist/apps/worker/src/main.js   (override the command)
#
# Build:  docker build -t duban .
# Run:    docker run -p 3000:3000 -v duban-data:/data duban
#
# Both stages use the same Node major on the same Debian release (bookworm), so
# the better-sqlite3 native addon compiled in the build stage is ABI- and
# glibc-compatible with the runtime stage and is copied across as is.

ARG NODE_VERSION=20

# ---------------------------------------------------------------------------
# build: install all dependencies, compile the addon, compile TypeScript, then
# drop the dev dependencies.
# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm AS build

# Toolchain for node-gyp, used when no prebuilt better-sqlite3 binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV SCARF_ANALYTICS=false

# Dependencies first, so this layer is reused while only the source changes.
# --ignore-scripts keeps the root `prepare` script (the TypeScript build) from
# running before the source is copied in; the install scripts the project
# allows for its production dependencies are then run explicitly.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 protobufjs

COPY . .

# Same build as `npm ci` runs through `prepare` (tsc + tsc-alias into dist/).
# The check fails the image build, rather than the container at start, if the
# entry points ever move.
RUN npm run build \
 && node -e "for (const f of ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js']) require('node:fs').accessSync(f)" \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "new (require('better-sqlite3'))(':memory:').close()"

# What the runtime stage needs, gathered in one place.
RUN mkdir -p /out \
 && cp -a package.json package-lock.json dist node_modules /out/ \
 && if [ -d bin ]; then cp -a bin /out/; fi

# ---------------------------------------------------------------------------
# runtime: slim image, no compiler, non-root.
# ---------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime

# tini as PID 1: forwards SIGTERM to node (Nest's shutdown hooks close the
# store cleanly) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    PORT=3000 \
    DUBAN_DATA_DIR=/data

WORKDIR /app
# Application files stay owned by root (read-only for the app user).
COPY --from=build /out/ ./
# Fails the build if the copied addon does not load on this image's libc/Node.
RUN node -e "new (require('better-sqlite3'))(':memory:').close()"

# The data dir belongs to the unprivileged `node` user (uid 1000) of the base
# image; a named volume mounted here inherits that ownership on first use.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

USER node
EXPOSE 3000

# Liveness of the api. The worker serves no HTTP: disable the check for it
# (compose does; with plain docker use --no-healthcheck).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('node:http').get({ host: '127.0.0.1', port: process.env.PORT || 3000, path: '/health', timeout: 4000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/api/src/main.js"]
