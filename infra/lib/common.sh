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
# The second local host (infra/services/host2.sh), unless BERTH_LOCAL_HOSTS=1: a network namespace
# on the bridge berthnet0 with its own dockerd, agent (runtime-host-2) and tunnels to Redis and the
# registry. The same names and addresses are in infra/testnet/constants.ts (constants.test.ts checks
# that both agree); the test network shares the bridge, its namespaces are berth-tn-*.
HOSTNET_BRIDGE=berthnet0
HOSTNET_GATEWAY=10.231.0.1/24
HOST2_NAMESPACE=berth-stack-2
HOST2_VETH=bs-2
HOST2_ADDRESS=10.231.0.2
HOST2_DOCKER_BIP=10.234.0.1/24
HOST2_DOCKER_POOL=10.235.0.0/16
HOST2_DIR="$BERTH_HOME/hosts/stack-2"
DOCKER2_SOCKET="$HOST2_DIR/docker.sock"
# Where the root namespace's end of the tunnels listens (the host's end listens on its 127.0.0.1).
TUNNEL_DIR="$RUN_DIR/tunnel"
second_host_enabled() { [ "${BERTH_LOCAL_HOSTS:-2}" != 1 ]; }
host2_netns() { echo "/var/run/netns/$HOST2_NAMESPACE"; }

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
udp_port_owner() {
  ss -Hlunp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -1 | sed -E 's/users:\(\("([^"]+)",pid=([0-9]+).*/\1 (pid \2)/'
}
udp_port_busy() { [ -n "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; }

# Refuse to start a service on a port someone else holds.
require_free_port() { # name port setting
  if port_busy "$2"; then
    die "port $2 (for $1) is already taken by $(port_owner "$2" || echo 'another process'). Stop it, or set $3 in .berth/berth.env."
  fi
}

require_free_udp_port() { # name port setting
  if udp_port_busy "$2"; then
    die "UDP port $2 (for $1) is already taken by $(udp_port_owner "$2" || echo 'another process'). Stop it, or set $3 in .berth/berth.env."
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

# Start a long-running process in its own session, detached from this shell. 3>&- 9>&-: it must not
# inherit (and keep holding) a lock of the caller (flock(1) hands its locked file over as fd 3).
spawn() { # name logfile command...
  local name=$1 logfile=$2; shift 2
  setsid nohup "$@" >>"$logfile" 2>&1 < /dev/null 3>&- 9>&- &
  echo $! > "$RUN_DIR/$name.pid"
}

# Start a long-running process under infra/lib/supervise.sh, which starts it again whenever it dies
# (kill -9 included): <name>.pid is the supervisor's (stop that to stop both), <name>-child.pid the
# process's own. The command must run in the foreground (no daemonizing: the supervisor waits for it).
spawn_supervised() { # name logfile command...
  local name=$1 logfile=$2; shift 2
  rm -f "$RUN_DIR/$name-child.pid"
  spawn "$name" "$logfile" "$BASH" infra/lib/supervise.sh "$name" "$RUN_DIR/$name-child.pid" -- "$@"
}
# Is <name>.pid a supervisor? A process started before supervision existed (or by hand) is not.
is_supervisor() { # name
  local p
  p=$(pid_of "$1") && [ -n "$p" ] && { tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "infra/lib/supervise.sh $1 "
}

stop_pid() { # name [signal] [seconds before KILL, default 10]
  local p; p=$(pid_of "$1" || true) # none recorded: nothing to stop
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill "-${2:-TERM}" "$p" 2>/dev/null || true
    for _ in $(seq 1 $((${3:-10} * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  fi
  rm -f "$RUN_DIR/$1.pid"
}

# dockerd stops its containers first (10 s each for those that ignore TERM, in parallel): killing it
# sooner orphans the containerd it started, and the next dockerd would wait for that one in vain.
stop_dockerd() { stop_pid "$1" TERM 40; }

# A dockerd finds "its" containerd through exec-root/containerd/containerd.pid and, if that pid is
# alive, only connects to it instead of starting one. Before starting dockerd: let a containerd left
# over from a killed dockerd finish (or end it), and drop a pidfile whose pid now belongs to another process.
clear_stale_containerd() { # exec-root
  local dir="$1/containerd" p
  [ -f "$dir/containerd.pid" ] || return 0
  p=$(tr -dc '0-9' < "$dir/containerd.pid")
  [ -n "$p" ] || return 0
  if kill -0 "$p" 2>/dev/null && { tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "--config $dir/containerd.toml"; then
    info "waiting for the containerd left over from a stopped dockerd (pid $p)"
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  fi
  rm -f "$dir/containerd.pid"
}

ensure_bridge() { # name cidr: a Linux bridge for a dockerd's default network (--bridge)
  ip link show "$1" >/dev/null 2>&1 || ip link add name "$1" type bridge
  ip addr replace "$2" dev "$1"
  ip link set "$1" up
}

# Berth's own PostgreSQL and Redis, unless DATABASE_URL / REDIS_URL are set (caller or .berth/berth.env).
database_url() { echo "${DATABASE_URL:-postgresql://berth:${BERTH_PG_PASSWORD}@127.0.0.1:${BERTH_PG_PORT}/berth}"; }
redis_url()    { echo "${REDIS_URL:-redis://:${BERTH_REDIS_PASSWORD}@127.0.0.1:${BERTH_REDIS_PORT}}"; }

# For tests and benchmarks: start the stack if any part is down, then export what clients need.
ensure_stack() {
  if ! bash "$ROOT/infra/status.sh" >/dev/null 2>&1; then
    say "the stack is not (fully) running: npm run up"
    bash "$ROOT/infra/up.sh" || return 1
  fi
  load_env "$BERTH_HOME/berth.env"
  DATABASE_URL=$(database_url); REDIS_URL=$(redis_url); export DATABASE_URL REDIS_URL
}
