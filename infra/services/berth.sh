#!/usr/bin/env bash
# Berth's own processes: web (Next.js + socket.io), worker (BullMQ), router (DNS for Caddy's app
# routes), runtime-host (agent for this machine's Docker Engine) and runtime-host-2 (the agent of the
# second local host, inside its network namespace: host2.sh; unless BERTH_LOCAL_HOSTS=1).
# Each runs under a supervisor (infra/lib/supervise.sh) that starts it again whenever it exits:
# <name>.pid is the supervisor's (stop it to stop the process), <name>-child.pid the process's.
# Each gets only its own settings: the keys of its config schema (least privilege: runtime-hosts
# never see the database).
#   berth.sh              start what is not running; restart what runs older code; web is rebuilt when stale
#   berth.sh worker ...   (re)start only the named processes
#   berth.sh --print-env NAME   print the environment NAME would start with (KEY=VALUE records, each ending in NUL)
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ALL=(web worker router runtime-host runtime-host-2)
PRINT_ENV=0
if [ "${1:-}" = --print-env ]; then
  [ $# -eq 2 ] || die "usage: berth.sh --print-env NAME"
  PRINT_ENV=1; shift
fi
ONLY=("$@")
for n in "${ONLY[@]}"; do
  [[ " ${ALL[*]} " == *" $n "* ]] || die "unknown process '$n' (one of: ${ALL[*]})"
done
NODE=$(command -v node)
SETSID=$(command -v setsid); NOHUP=$(command -v nohup)

# Sources each process runs from; a file newer than the pidfile means "restart".
SRC_COMMON=(core/src control/src prisma/src prisma/generated package-lock.json)
changed_since() { # pidfile dirs...
  local ref=$1; shift
  [ -n "$(find "$@" -newer "$ref" -type f -print -quit 2>/dev/null)" ]
}
wanted() { [ ${#ONLY[@]} -eq 0 ] || [[ " ${ONLY[*]} " == *" $1 "* ]]; }

# The id runtime-host derives from the hostname when BERTH_HOST_ID is unset (runtime-host/src/config.ts).
host_id() {
  local id
  id=$(hostname | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9-]/-/g; s/^-+//' | cut -c1-63)
  echo "${id:-host}"
}
HOST_ID=${BERTH_HOST_ID:-$(host_id)}
HOST2_ID="${HOST_ID:0:61}-2"

# A process's environment is `env -i` plus the keys of its config schema (web/src/env.ts,
# worker/src/config.ts, worker/src/router/config.ts, runtime-host/src/config.ts) that are set here:
# the caller's environment, then .berth/berth.env, then .env.example, then these derived values.
# infra/lib/process-env.ts picks them, for all processes in one node run, the first time one starts.
DERIVED=(
  DATABASE_URL="$(database_url)"
  REDIS_URL="$(redis_url)"
  BERTH_REGISTRY_TOKEN_KEY="${BERTH_REGISTRY_TOKEN_KEY:-$BERTH_HOME/registry/token.key}"
  BERTH_REGISTRY_TOKEN_CERT="${BERTH_REGISTRY_TOKEN_CERT:-$BERTH_HOME/registry/token.crt}"
  BERTH_REGISTRY_CONFIG="${BERTH_REGISTRY_CONFIG:-$BERTH_HOME/registry/config.yml}"
  BERTH_BUILD_DIR="${BERTH_BUILD_DIR:-$BERTH_HOME/builds}"
  BERTH_GIT_DIR="${BERTH_GIT_DIR:-$BERTH_HOME/git}"
  BERTH_REGISTRY_CACHE_DIR="${BERTH_REGISTRY_CACHE_DIR:-$BERTH_HOME/registry-caches}"
  BERTH_RUN_DIR="${BERTH_RUN_DIR:-$RUN_DIR}"
  BERTH_HOST_ID="$HOST_ID"
  BERTH_HOST_KEY_FILE="${BERTH_HOST_KEY_FILE:-$BERTH_HOME/host-keys/$HOST_ID.pem}"
  NODE_ENV="${NODE_ENV:-production}"
  HOME="${HOME:-/root}"
)
PROCESS_ENV=() PROCESS_ENV_READ=0 # "name KEY=VALUE" for every process
process_env() { # name: sets ENVS to that process's KEY=VALUE list
  local rec cur= schema=${1%-2}
  if [ "$PROCESS_ENV_READ" = 0 ]; then
    local recs=()
    mapfile -d '' recs < <(env "${DERIVED[@]}" "$NODE" --import tsx infra/lib/process-env.ts web worker router runtime-host)
    wait $! || die "infra/lib/process-env.ts failed"
    for rec in "${recs[@]}"; do
      if [[ $rec == *=* ]]; then PROCESS_ENV+=("$cur $rec"); else cur=$rec; fi
    done
    PROCESS_ENV_READ=1
  fi
  ENVS=()
  for rec in "${PROCESS_ENV[@]}"; do
    [[ $rec == "$schema "* ]] || continue
    rec=${rec#"$schema "}
    # The second local host has its own engine, id, address and key, whatever the first one's are.
    if [ "$1" = runtime-host-2 ]; then
      case $rec in
        DOCKER_SOCKET=* | BERTH_HOST_ID=* | BERTH_HOST_ADDRESS=*) continue ;;
        BERTH_HOST_KEY_FILE=*) rec="BERTH_HOST_KEY_FILE=$BERTH_HOME/host-keys/$HOST2_ID.pem" ;;
      esac
    fi
    ENVS+=("$rec")
  done
  if [ "$1" = runtime-host-2 ]; then ENVS+=(DOCKER_SOCKET="$DOCKER2_SOCKET" BERTH_HOST_ID="$HOST2_ID" BERTH_HOST_ADDRESS="$HOST2_ADDRESS"); fi
}

if [ "$PRINT_ENV" = 1 ]; then
  process_env "${ONLY[0]}"
  printf '%s\0' "${ENVS[@]}"
  exit 0
fi

# Two bring-ups at once would both restart a process and lose track of one of them.
exec 9>"$RUN_DIR/berth.lock"
flock 9

stop() { # name
  if alive "$1"; then say "$1: stopping"; fi
  stop_pid "$1"
  rm -f "$RUN_DIR/$1-child.pid"
}

start() { # name port(or -) sources... -- command...
  local name=$1 port=$2; shift 2
  local srcs=() cmd=()
  while [ "$1" != -- ]; do srcs+=("$1"); shift; done; shift
  wanted "$name" || return 0
  if alive "$name"; then
    if [ ${#ONLY[@]} -gt 0 ]; then
      say "$name: restarting"
      stop_pid "$name"
    elif ! is_supervisor "$name"; then
      say "$name: restarting it under its supervisor"
      stop_pid "$name"
    elif changed_since "$RUN_DIR/$name.pid" "${srcs[@]}" "${SRC_COMMON[@]}"; then
      say "$name: code changed, restarting"
      stop_pid "$name"
    else
      info "$name: running (pid $(pid_of "$name"))"
      return 0
    fi
  else
    say "$name: starting"
  fi
  case "$port" in
    -) ;;
    udp/*) require_free_udp_port "$name" "${port#udp/}" BERTH_ROUTER_PORT ;;
    *) require_free_port "$name" "$port" BERTH_WEB_PORT ;;
  esac
  rm -f "$RUN_DIR/$name-child.pid"
  cmd=("$BASH" infra/lib/supervise.sh "$name" "$RUN_DIR/$name-child.pid" -- "$NODE" --import tsx "$@")
  # The second local host's agent runs inside its network namespace, as on a machine of its own: it
  # reaches Redis on that host's 127.0.0.1 through the tunnel, and health-checks at the host's address.
  # Its supervisor runs there too (nsenter execs it), so both pids are in host-2's namespace.
  if [ "$name" = runtime-host-2 ]; then
    [ -e "$(host2_netns)" ] || die "runtime-host-2: the namespace $HOST2_NAMESPACE is missing (npm run up makes it)"
    cmd=("$(command -v nsenter)" --net="$(host2_netns)" "${cmd[@]}")
  fi
  process_env "$name"
  # 9>&-: the children must not inherit (and keep holding) the bring-up lock; 3>&-: nor the lock of
  # a `flock FILE berth.sh …` caller (flock(1) hands its locked file to the command as fd 3).
  env -i "${ENVS[@]}" "$SETSID" "$NOHUP" "${cmd[@]}" >>"$LOG_DIR/$name.log" 2>&1 </dev/null 9>&- 3>&- &
  echo $! > "$RUN_DIR/$name.pid"
}

# ------------------------------------------------------------------ web build
if wanted web && { [ ! -f web/.next/BUILD_ID ] || changed_since web/.next/BUILD_ID web/src web/server.ts web/next.config.ts "${SRC_COMMON[@]}"; }; then
  say "web: building (next build)"
  (cd web && env NEXT_TELEMETRY_DISABLED=1 npx next build >"$LOG_DIR/web-build.log" 2>&1) || { tail -40 "$LOG_DIR/web-build.log"; die "web build failed (log: $LOG_DIR/web-build.log)"; }
fi

start web "$BERTH_WEB_PORT" web/.next/BUILD_ID web/server.ts infra/lib/supervise.sh -- web/server.ts
start worker - worker/src infra/lib/supervise.sh -- worker/src/main.ts
start router "udp/$BERTH_ROUTER_PORT" worker/src/router infra/lib/supervise.sh -- worker/src/router/main.ts
start runtime-host - runtime-host/src infra/lib/supervise.sh -- runtime-host/src/main.ts
if second_host_enabled; then
  start runtime-host-2 - runtime-host/src infra/lib/supervise.sh -- runtime-host/src/main.ts
elif wanted runtime-host-2; then
  stop runtime-host-2
fi

wait_until 90 "web" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$BERTH_WEB_PORT/api/health)\" != 000 ]" \
  || { tail -30 "$LOG_DIR/web.log"; die "web does not answer on 127.0.0.1:$BERTH_WEB_PORT (log: $LOG_DIR/web.log)"; }
# The first heartbeat travels runtime-host -> Redis -> worker -> Postgres.
if ! wait_until 60 "stack health" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$BERTH_WEB_PORT/api/health)\" = 200 ]"; then
  curl -s "http://127.0.0.1:$BERTH_WEB_PORT/api/health"; echo
  for p in worker runtime-host runtime-host-2; do [ -f "$LOG_DIR/$p.log" ] && { echo "--- $p"; tail -5 "$LOG_DIR/$p.log"; }; done
  die "the stack is not healthy (see /api/health above)"
fi
# Both local hosts must heartbeat, not just one: the API lists them by id.
if second_host_enabled && alive runtime-host-2; then
  # /api/health names hosts to instance admins only: ask the database for this host's heartbeat.
  fresh() { [ "$(psql "$(database_url)" -tAc "select count(*) from host where id = '$1' and \"lastHeartbeatAt\" > now() - interval '20 seconds'" 2>/dev/null)" = 1 ]; }
  wait_until 30 "second host" fresh "$HOST2_ID" || info "warning: $HOST2_ID has not reported a heartbeat yet (log: $LOG_DIR/runtime-host-2.log)"
fi
info "$(if [ ${#ONLY[@]} -gt 0 ]; then echo "${ONLY[*]}"; else echo "web, worker, router, runtime-host$(second_host_enabled && echo ', runtime-host-2')"; fi): healthy"
