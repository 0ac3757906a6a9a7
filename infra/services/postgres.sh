#!/usr/bin/env bash
# PostgreSQL 15: Berth's own cluster in .berth/pg, owned by the `postgres` OS user
# (PostgreSQL refuses to run as root), listening on 127.0.0.1:$BERTH_PG_PORT only.
# The postmaster runs in the foreground (postgres.sh --foreground) under a supervisor
# (infra/lib/supervise.sh) that starts it again if it dies; a postmaster killed with -9 comes back
# through PostgreSQL's own crash recovery. The supervisor stops it with INT (fast shutdown).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
DATA="$BERTH_HOME/pg/data"
SOCK="$BERTH_HOME/pg/sock"
as_pg() { runuser -u postgres -- "$@"; }
ready() { as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 && PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d berth -tAc 'select 1' >/dev/null 2>&1; }

# Processes still working in the data directory: the backends of a postmaster killed outright run
# on until they notice (a moment).
leftover_pids() { find /proc -mindepth 2 -maxdepth 2 -path '/proc/[0-9]*/cwd' -lname "$DATA" 2>/dev/null | cut -d/ -f3; }
leftovers() { [ -n "$(leftover_pids)" ]; }
if [ "${1:-}" = --foreground ]; then
  # What the supervisor runs. PostgreSQL itself ignores a postmaster.pid whose pid is gone, and
  # refuses to start while the old backends still hold its shared memory: let them finish first.
  for i in $(seq 1 75); do
    leftovers || break
    if [ "$i" = 5 ]; then
      echo "postgres.sh: waiting for the former postmaster's processes to end: $(for p in $(leftover_pids); do printf '%s (%s) ' "$p" "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"; done)" >&2
    fi
    sleep 0.2
  done
  # A stale postmaster.pid whose pid now belongs to another process (pid reuse) would block it for
  # good: removed, only when that process is not a postgres and nothing else works in the directory.
  if [ -f "$DATA/postmaster.pid" ]; then
    old=$(head -1 "$DATA/postmaster.pid" | tr -dc '0-9')
    if [ -n "$old" ] && kill -0 "$old" 2>/dev/null && [ "$(cat "/proc/$old/comm" 2>/dev/null)" != postgres ] && ! leftovers; then
      echo "postgres.sh: removing the stale $DATA/postmaster.pid (its pid $old is not a postgres)" >&2
      rm -f "$DATA/postmaster.pid"
    fi
  fi
  # exec: the supervisor's child is the postmaster itself; none of Berth's settings in its environment.
  exec env -i PATH=/usr/bin:/bin LANG=C.UTF-8 setpriv --reuid=postgres --regid=postgres --init-groups -- \
    "$PG_BIN/postgres" -D "$DATA" -p "$BERTH_PG_PORT" -c listen_addresses=127.0.0.1 -k "$SOCK" -c max_connections=200
fi

# PostgreSQL runs as the OS user postgres, which must be able to walk down to the data dir.
d="$BERTH_HOME"
while [ "$d" != / ]; do
  if ! runuser -u postgres -- test -x "$d" 2>/dev/null && [ -d "$d" ]; then
    info "postgres: allowing the postgres user to traverse $d (chmod o+x)"
    chmod o+x "$d"
  fi
  d=$(dirname "$d")
done

if [ ! -f "$DATA/PG_VERSION" ]; then
  say "postgres: creating cluster in $DATA"
  mkdir -p "$DATA" "$SOCK"; chown -R postgres:postgres "$BERTH_HOME/pg"; chmod 700 "$DATA"
  # The OS user postgres must be able to reach the data dir through the checkout's path.
  pw=$(mktemp); echo "$BERTH_PG_PASSWORD" > "$pw"; chown postgres "$pw"
  as_pg "$PG_BIN/initdb" -D "$DATA" -U berth --pwfile="$pw" --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 >"$LOG_DIR/initdb.log" 2>&1 \
    || { rm -f "$pw"; cat "$LOG_DIR/initdb.log"; die "initdb failed"; }
  rm -f "$pw"
fi

if is_supervisor postgres; then
  info "postgres: running on 127.0.0.1:$BERTH_PG_PORT"
else
  # One started before supervision (pg_ctl start) is stopped and started again under a supervisor.
  if as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "postgres: restarting it under its supervisor"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || die "postgres did not stop"
  fi
  require_free_port postgres "$BERTH_PG_PORT" BERTH_PG_PORT
  say "postgres: starting on 127.0.0.1:$BERTH_PG_PORT"
  mkdir -p "$SOCK"; chown postgres:postgres "$SOCK"
  BERTH_SUPERVISE_STOP_SIGNAL=INT BERTH_SUPERVISE_GRACE_SECONDS=30 spawn_supervised postgres "$LOG_DIR/postgres.log" "$BASH" infra/services/postgres.sh --foreground
fi
# Answering (the database berth may not exist yet): also after a crash, once its recovery is done.
answers() { PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d postgres -tAc 'select 1' >/dev/null 2>&1; }
wait_until 60 postgres answers || { tail -20 "$LOG_DIR/postgres.log"; die "postgres does not answer on 127.0.0.1:$BERTH_PG_PORT (log: $LOG_DIR/postgres.log)"; }
if ! PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d postgres -tAc "select 1 from pg_database where datname='berth'" | grep -q 1; then
  PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d postgres -qc 'create database berth' >/dev/null
fi
wait_until 30 postgres ready || die "postgres does not answer on 127.0.0.1:$BERTH_PG_PORT (log: $LOG_DIR/postgres.log)"
