#!/usr/bin/env bash
# PostgreSQL 15: Berth's own cluster in .berth/pg, owned by the `postgres` OS user
# (PostgreSQL refuses to run as root), listening on 127.0.0.1:$BERTH_PG_PORT only.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
DATA="$BERTH_HOME/pg/data"
SOCK="$BERTH_HOME/pg/sock"
as_pg() { runuser -u postgres -- "$@"; }
ready() { as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1 && PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d berth -tAc 'select 1' >/dev/null 2>&1; }

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

if as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  info "postgres: running on 127.0.0.1:$BERTH_PG_PORT"
else
  require_free_port postgres "$BERTH_PG_PORT" BERTH_PG_PORT
  say "postgres: starting on 127.0.0.1:$BERTH_PG_PORT"
  touch "$LOG_DIR/postgres.log"; chown postgres "$LOG_DIR/postgres.log"
  as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG_DIR/postgres.log" -w -t 60 \
    -o "-p $BERTH_PG_PORT -c listen_addresses=127.0.0.1 -k $SOCK -c max_connections=200" start >/dev/null \
    || { tail -20 "$LOG_DIR/postgres.log"; die "postgres did not start"; }
fi
head -1 "$DATA/postmaster.pid" > "$RUN_DIR/postgres.pid"
if ! PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d postgres -tAc "select 1 from pg_database where datname='berth'" | grep -q 1; then
  PGPASSWORD=$BERTH_PG_PASSWORD psql -h 127.0.0.1 -p "$BERTH_PG_PORT" -U berth -d postgres -qc 'create database berth' >/dev/null
fi
wait_until 30 postgres ready || die "postgres does not answer on 127.0.0.1:$BERTH_PG_PORT (log: $LOG_DIR/postgres.log)"
