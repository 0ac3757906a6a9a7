#!/usr/bin/env bash
# Stop everything `npm run up` started (by the pids it recorded), newest first. Data stays in .berth/.
# A supervised process's pidfile is its supervisor's (infra/lib/supervise.sh): TERM makes the
# supervisor stop its child (and not start it again), then exit; <name>-child.pid goes with it.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
# The second local host first (its agent, tunnels, engine; its namespace stays for the next up).
bash "$(dirname "$0")/services/host2.sh" stop
for name in runtime-host worker router web caddy registry; do
  if alive "$name"; then say "stopping $name"; fi
  stop_pid "$name"
  rm -f "$RUN_DIR/$name-child.pid"
done
# The pull-through caches the worker started (worker/src/registry-caches), detached from it.
for f in "$RUN_DIR"/registry-cache-*.pid; do
  [ -e "$f" ] || continue
  name=$(basename "$f" .pid)
  if alive "$name"; then say "stopping $name"; fi
  stop_pid "$name"
done
if alive dockerd; then say "stopping dockerd (containers stop with it)"; fi
stop_dockerd dockerd
if alive redis; then say "stopping redis"; fi
stop_pid redis
rm -f "$RUN_DIR/redis-child.pid"
# Its supervisor gives the postmaster INT (fast shutdown) and up to 30 s.
if alive postgres; then say "stopping postgres"; fi
stop_pid postgres TERM 40
rm -f "$RUN_DIR/postgres-child.pid"
# One started without a supervisor (pg_ctl, before supervision) is stopped by pg_ctl.
if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BERTH_HOME/pg/data" status >/dev/null 2>&1; then
  say "stopping postgres"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BERTH_HOME/pg/data" -m fast -w stop >/dev/null 2>&1 || true
fi
say "stopped (data kept in $BERTH_HOME; npm run reset deletes it)"
