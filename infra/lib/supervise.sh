#!/usr/bin/env bash
# Keeps one process running: when it exits for any reason other than this supervisor being told to
# stop, it is started again a second later. TERM (or INT) is passed on to the child, which gets a
# grace period to shut down; then the supervisor exits. BERTH_SUPERVISE_STOP_SIGNAL names the signal the
# child gets instead of TERM (PostgreSQL: INT, its fast shutdown). More than MAX_CRASHES exits within
# CRASH_WINDOW seconds means something is wrong that a restart will not fix: the supervisor gives up.
#   supervise.sh NAME CHILD_PIDFILE -- command...
# Its output (and the child's) goes to the caller's stdout: the process's log.
set -uo pipefail
name=$1 child_pidfile=$2
shift 2
[ "${1:-}" = -- ] && shift
MAX_CRASHES=${BERTH_SUPERVISE_MAX_CRASHES:-10}
CRASH_WINDOW=${BERTH_SUPERVISE_WINDOW_SECONDS:-60}
GRACE=${BERTH_SUPERVISE_GRACE_SECONDS:-8}
STOP_SIGNAL=${BERTH_SUPERVISE_STOP_SIGNAL:-TERM}

# One JSON line, like the processes' own pino logs (level 30 info, 40 warn, 50 error).
log() { # level message
  printf '{"level":%s,"time":"%s","process":"%s-supervisor","pid":%s,"msg":"%s"}\n' "$1" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$name" "$$" "$2"
}

child=
stopping=0
on_stop() {
  stopping=1
  [ -n "$child" ] && kill "-$STOP_SIGNAL" "$child" 2>/dev/null
}
trap on_stop TERM INT

exits=()
while :; do
  "$@" &
  child=$!
  echo "$child" > "$child_pidfile"
  log 30 "$name started (pid $child)"
  # `wait` also returns when a trapped signal arrives: then the child may still be running.
  while :; do
    wait "$child"
    code=$?
    kill -0 "$child" 2>/dev/null || break
    [ "$stopping" = 1 ] && break
  done
  if [ "$stopping" = 1 ]; then
    deadline=$((SECONDS + GRACE))
    while kill -0 "$child" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$child" 2>/dev/null; then
      log 40 "$name did not stop within ${GRACE}s, killing it"
      kill -KILL "$child" 2>/dev/null
    fi
    wait "$child" 2>/dev/null
    rm -f "$child_pidfile"
    log 30 "$name stopped"
    exit 0
  fi
  child=
  now=$SECONDS
  recent=()
  for t in "${exits[@]}" "$now"; do [ $((now - t)) -lt "$CRASH_WINDOW" ] && recent+=("$t"); done
  exits=("${recent[@]}")
  if [ "${#exits[@]}" -gt "$MAX_CRASHES" ]; then
    rm -f "$child_pidfile"
    log 50 "$name exited ${#exits[@]} times within ${CRASH_WINDOW}s (last code $code), giving up: see the errors above"
    exit 1
  fi
  log 40 "$name exited with code $code, restarting"
  # In the background, so a stop request during the pause is handled at once.
  sleep 1 &
  wait $! 2>/dev/null
  if [ "$stopping" = 1 ]; then
    rm -f "$child_pidfile"
    log 30 "$name stopped"
    exit 0
  fi
done
