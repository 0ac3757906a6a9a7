#!/usr/bin/env bash
# Stop everything `npm run up` started (by the pids it recorded), newest first. Data stays in .berth/.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
# The second local host first (its agent, tunnels, engine; its namespace stays for the next up).
bash "$(dirname "$0")/services/host2.sh" stop
# The worker's pidfile is its supervisor's: TERM makes it stop the worker and exit.
for name in runtime-host worker router web caddy registry; do
  if alive "$name"; then say "stopping $name"; fi
  stop_pid "$name"
done
rm -f "$RUN_DIR/worker-child.pid"
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
if [ -f "$BERTH_HOME/pg/data/postmaster.pid" ]; then
  say "stopping postgres"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BERTH_HOME/pg/data" -m fast -w stop >/dev/null 2>&1 || true
fi
rm -f "$RUN_DIR/postgres.pid"
say "stopped (data kept in $BERTH_HOME; npm run reset deletes it)"
