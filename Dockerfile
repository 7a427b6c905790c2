# syntax=docker/dockerfile:1
# One image for every app; the command picks which one runs:
#   node dist/apps/<gateway|core|indexer|scheduler|provider-sim>/src/main.js

# Node 24 LTS, pinned; bump with .nvmrc, package.json engines and .ci/run (NODE_VERSION) together.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# Compiles the whole monorepo into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only, installed apart so dev tooling never reaches the runtime image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# The young generation's bound (V8's default lets it grow past 100 MB under load; docs/operations.md, Sizing). The
# deploy files (k8s/, compose) replace NODE_OPTIONS with this plus --max-old-space-size at ~72 % of each limit.
ENV NODE_OPTIONS=--max-semi-space-size=16
# glibc returns every allocation over 128 KiB to the system when freed: without a fixed threshold it grows to 32 MiB,
# and each argon2 hash's 19 MiB stayed resident in core after the hash (3 signups: +39 MB resident, with it +1 MB).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
# Files stay owned by root so the app user can read but not modify its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# gateway, core, indexer, scheduler, provider-sim (HTTP API or health/metrics).
EXPOSE 3000 3001 3002 3003 3004
# Exec form: node is PID 1 and receives SIGTERM directly (the apps handle it).
CMD ["node", "dist/apps/gateway/src/main.js"]
