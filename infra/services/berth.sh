#!/usr/bin/env bash
# Berth's own processes: web (Next.js + socket.io), worker (BullMQ), runtime-host (agent).
# Each gets only the settings it needs (least privilege: runtime-host never sees the database).
# A process whose code changed since it started is restarted; web is rebuilt when stale.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
# Two bring-ups at once would both restart a process and lose track of one of them.
exec 9>"$RUN_DIR/berth.lock"
flock 9
DATABASE_URL=$(database_url); REDIS_URL=$(redis_url)
NODE=$(command -v node)
BASE_ENV=(PATH="$PATH" HOME="${HOME:-/root}" NODE_ENV=production LOG_LEVEL="$LOG_LEVEL")

# Sources each process runs from; a file newer than the pidfile means "restart".
SRC_COMMON=(core/src prisma/src prisma/generated package-lock.json)
changed_since() { # pidfile dirs...
  local ref=$1; shift
  [ -n "$(find "$@" -newer "$ref" -type f -print -quit 2>/dev/null)" ]
}

start() { # name port(or -) sources... -- env... -- command...
  local name=$1 port=$2; shift 2
  local srcs=() envs=()
  while [ "$1" != -- ]; do srcs+=("$1"); shift; done; shift
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  if alive "$name"; then
    if changed_since "$RUN_DIR/$name.pid" "${srcs[@]}" "${SRC_COMMON[@]}"; then
      say "$name: code changed, restarting"
      stop_pid "$name"
    else
      info "$name: running (pid $(pid_of "$name"))"
      return 0
    fi
  else
    say "$name: starting"
  fi
  [ "$port" = - ] || require_free_port "$name" "$port" BERTH_WEB_PORT
  # 9>&-: the children must not inherit (and keep holding) the bring-up lock.
  env -i "${BASE_ENV[@]}" "${envs[@]}" setsid nohup "$NODE" --import tsx "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! > "$RUN_DIR/$name.pid"
}

# ------------------------------------------------------------------ web build
if [ ! -f web/.next/BUILD_ID ] || changed_since web/.next/BUILD_ID web/src web/server.ts web/next.config.ts "${SRC_COMMON[@]}"; then
  say "web: building (next build)"
  (cd web && env NEXT_TELEMETRY_DISABLED=1 npx next build >"$LOG_DIR/web-build.log" 2>&1) || { tail -40 "$LOG_DIR/web-build.log"; die "web build failed (log: $LOG_DIR/web-build.log)"; }
fi

start web "$BERTH_WEB_PORT" web/.next/BUILD_ID web/server.ts -- \
  DATABASE_URL="$DATABASE_URL" REDIS_URL="$REDIS_URL" BETTER_AUTH_SECRET="$BETTER_AUTH_SECRET" NEXT_TELEMETRY_DISABLED=1 \
  BERTH_WEB_PORT="$BERTH_WEB_PORT" BERTH_PROXY_PORT="$BERTH_PROXY_PORT" BERTH_CADDY_ADMIN_PORT="$BERTH_CADDY_ADMIN_PORT" BERTH_REGISTRY_PORT="$BERTH_REGISTRY_PORT" \
  BERTH_REGISTRY_TOKEN_KEY="$BERTH_HOME/registry/token.key" BERTH_REGISTRY_TOKEN_CERT="$BERTH_HOME/registry/token.crt" \
  BERTH_REGISTRY_SERVICE="$BERTH_REGISTRY_SERVICE" BERTH_REGISTRY_NOTIFY_SECRET="$BERTH_REGISTRY_NOTIFY_SECRET" BERTH_ENCRYPTION_KEY="$BERTH_ENCRYPTION_KEY" \
  -- web/server.ts
start worker - worker/src -- \
  DATABASE_URL="$DATABASE_URL" REDIS_URL="$REDIS_URL" BERTH_REGISTRY_PORT="$BERTH_REGISTRY_PORT" BERTH_REGISTRY_SERVICE="$BERTH_REGISTRY_SERVICE" \
  BERTH_REGISTRY_TOKEN_KEY="$BERTH_HOME/registry/token.key" BERTH_REGISTRY_TOKEN_CERT="$BERTH_HOME/registry/token.crt" BERTH_ENCRYPTION_KEY="$BERTH_ENCRYPTION_KEY" \
  BERTH_REGISTRY_CONFIG="$BERTH_HOME/registry/config.yml" \
  -- worker/src/main.ts
start runtime-host - runtime-host/src -- \
  REDIS_URL="$REDIS_URL" DOCKER_SOCKET="$DOCKER_SOCKET" ${BERTH_HOST_ID:+BERTH_HOST_ID="$BERTH_HOST_ID"} \
  -- runtime-host/src/main.ts

wait_until 90 "web" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$BERTH_WEB_PORT/api/health)\" != 000 ]" \
  || { tail -30 "$LOG_DIR/web.log"; die "web does not answer on 127.0.0.1:$BERTH_WEB_PORT (log: $LOG_DIR/web.log)"; }
# The first heartbeat travels runtime-host -> Redis -> worker -> Postgres.
if ! wait_until 60 "stack health" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$BERTH_WEB_PORT/api/health)\" = 200 ]"; then
  curl -s "http://127.0.0.1:$BERTH_WEB_PORT/api/health"; echo
  for p in worker runtime-host; do echo "--- $p"; tail -5 "$LOG_DIR/$p.log"; done
  die "the stack is not healthy (see /api/health above)"
fi
info "web, worker, runtime-host: healthy"
