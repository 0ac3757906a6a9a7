#!/usr/bin/env bash
# Bring up the whole Berth stack on this machine, idempotently:
#   Debian packages and npm deps -> secrets -> PostgreSQL, Redis, Docker Engine, registry, Caddy, the
#   second local host (a network namespace with its own engine and tunnels, unless BERTH_LOCAL_HOSTS=1)
#   -> migrations -> build -> web, worker, router, runtime-host(s) -> base images, first admin -> dashboard URL.
# A second run only starts what is not running (and restarts Berth's own processes whose code changed).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
QUIET=${BERTH_QUIET:-0}
START=$SECONDS

[ "$(id -u)" = 0 ] || die "run as root (Berth starts dockerd and installs Debian packages): sudo npm run up"

# ------------------------------------------------------------------ packages
PACKAGES=(docker.io docker-registry postgresql redis-server caddy git busybox-static chromium skopeo iproute2 iptables util-linux curl ca-certificates openssl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1 || { tail -20 "$LOG_DIR/apt.log"; die "apt-get install failed (log: $LOG_DIR/apt.log)"; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  # `npm install` rather than `npm ci`: npm 11's ci rejects its own lockfile over Biome's optional
  # per-platform binaries (npm/cli#9846). With the lockfile present, install keeps its versions.
  npm install --no-audit --no-fund --loglevel=error >"$LOG_DIR/npm.log" 2>&1 || { tail -30 "$LOG_DIR/npm.log"; die "npm install failed (log: $LOG_DIR/npm.log)"; }
fi

# The `berth` CLI on PATH (also `npx berth` inside the checkout).
if [ -f cli/bin/berth.js ] && [ "$(readlink /usr/local/bin/berth 2>/dev/null)" != "$ROOT/cli/bin/berth.js" ]; then
  chmod +x cli/bin/berth.js
  ln -sf "$ROOT/cli/bin/berth.js" /usr/local/bin/berth
fi

# ------------------------------------------------------------------ secrets
bash infra/lib/secrets.sh
load_env "$BERTH_HOME/berth.env"
DATABASE_URL=$(database_url); REDIS_URL=$(redis_url)
export DATABASE_URL REDIS_URL

# ------------------------------------------------------------------ services
bash infra/services/postgres.sh
bash infra/services/redis.sh
bash infra/services/docker.sh
bash infra/services/registry.sh
bash infra/services/caddy.sh
bash infra/services/host2.sh

# ------------------------------------------------------------------ database
say "database: applying migrations"
# Regenerating rewrites prisma/generated, which would make every Berth process look changed.
if [ ! -f prisma/generated/client.ts ] || [ prisma/schema.prisma -nt prisma/generated/client.ts ]; then
  npm run -s db:generate >"$LOG_DIR/prisma-generate.log" 2>&1 || { cat "$LOG_DIR/prisma-generate.log"; die "prisma generate failed"; }
fi
npm run -s db:migrate || die "migrations failed"

# ------------------------------------------------------------------ berth processes
bash infra/services/berth.sh

# ------------------------------------------------------------------ seeds
say "seeding base images and the first admin"
node --import tsx web/scripts/ensure-admin.ts || die "creating the first admin failed (see above)"
DOCKER_SOCKET=$DOCKER_SOCKET BERTH_REGISTRY_PORT=$BERTH_REGISTRY_PORT node --import tsx infra/seed/base-images-cli.ts || die "seeding base images failed (see above)"

ADMIN_EMAIL=$BERTH_ADMIN_EMAIL
echo
say "Berth is up in $((SECONDS - START))s"
info "dashboard:  http://localhost:${BERTH_PROXY_PORT}"
info "admin:      ${ADMIN_EMAIL}"
info "password:   ${BERTH_ADMIN_PASSWORD}"
info "registry:   127.0.0.1:${BERTH_REGISTRY_PORT}  (base images: 127.0.0.1:${BERTH_REGISTRY_PORT}/berth/busybox:latest, 127.0.0.1:${BERTH_REGISTRY_PORT}/berth/node:20)"
info "status: npm run status    stop: npm run down    logs: ${LOG_DIR}"
