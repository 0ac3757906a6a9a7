# Shared helpers for Berth's bring-up scripts. Sourced, not run.
# Everything Berth starts keeps its pid in $RUN_DIR/<name>.pid and its log in $LOG_DIR/<name>.log.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# Settings, strongest first: the caller's environment, then .berth/berth.env (generated
# secrets and local overrides), then the defaults in .env.example.
load_env() { # file: export KEY=VALUE lines whose KEY is not set yet
  local line key val
  [ -f "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}; line=${line%"${line##*[![:space:]]}"}
    [[ $line =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
    key=${BASH_REMATCH[1]}; val=${BASH_REMATCH[2]}
    [ -n "${!key+x}" ] || export "$key=$val"
  done < "$1"
}
load_env "${BERTH_HOME:-$ROOT/.berth}/berth.env"
load_env "$ROOT/.env.example"
BERTH_HOME="$(cd "$ROOT" && mkdir -p "$BERTH_HOME" && cd "$BERTH_HOME" && pwd)"
export BERTH_HOME
RUN_DIR="$BERTH_HOME/run"
LOG_DIR="$BERTH_HOME/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR"

PG_BIN=/usr/lib/postgresql/15/bin

say()  { printf '\033[1m==>\033[0m %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

pid_of() { [ -f "$RUN_DIR/$1.pid" ] && tr -dc '0-9' < "$RUN_DIR/$1.pid"; }
alive()  { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# Who listens on a TCP port (empty when free): "name(pid=N)".
port_owner() {
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -1 | sed -E 's/users:\(\("([^"]+)",pid=([0-9]+).*/\1 (pid \2)/'
}
port_busy() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

# Refuse to start a service on a port someone else holds.
require_free_port() { # name port setting
  if port_busy "$2"; then
    die "port $2 (for $1) is already taken by $(port_owner "$2" || echo 'another process'). Stop it, or set $3 in .berth/berth.env."
  fi
}

wait_until() { # seconds description command...
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.2
  done
}

# Start a long-running process in its own session, detached from this shell.
spawn() { # name logfile command...
  local name=$1 logfile=$2; shift 2
  setsid nohup "$@" >>"$logfile" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/$name.pid"
}

stop_pid() { # name [signal]
  local p; p=$(pid_of "$1")
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill "-${2:-TERM}" "$p" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  fi
  rm -f "$RUN_DIR/$1.pid"
}

database_url() { echo "postgresql://berth:${BERTH_PG_PASSWORD}@127.0.0.1:${BERTH_PG_PORT}/berth"; }
redis_url()    { echo "redis://:${BERTH_REDIS_PASSWORD}@127.0.0.1:${BERTH_REDIS_PORT}"; }

# For tests and benchmarks: start the stack if any part is down, then export what clients need.
ensure_stack() {
  if ! bash "$ROOT/infra/status.sh" >/dev/null 2>&1; then
    say "the stack is not (fully) running: npm run up"
    bash "$ROOT/infra/up.sh" || return 1
  fi
  load_env "$BERTH_HOME/berth.env"
  DATABASE_URL=$(database_url); REDIS_URL=$(redis_url); export DATABASE_URL REDIS_URL
}
