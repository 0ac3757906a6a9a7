#!/usr/bin/env bash
# ExecStart of the systemd units for Berth's own processes (berth-web, berth-worker, berth-router,
# berth-runtime-host): the process runs with exactly the environment infra/services/berth.sh gives it
# (env -i plus the keys of its config schema, from the environment, .berth/berth.env, .env.example).
#   run.sh web|worker|router|runtime-host
set -euo pipefail
cd "$(dirname "$0")/../.."
case "${1:-}" in
  web) entry=web/server.ts ;;
  worker) entry=worker/src/main.ts ;;
  router) entry=worker/src/router/main.ts ;;
  runtime-host) entry=runtime-host/src/main.ts ;;
  *) echo "usage: run.sh web|worker|router|runtime-host" >&2; exit 2 ;;
esac
envs=()
mapfile -d '' envs < <(bash infra/services/berth.sh --print-env "$1")
[ ${#envs[@]} -gt 0 ] || { echo "run.sh: no environment for $1 (infra/services/berth.sh --print-env $1 failed)" >&2; exit 1; }
exec env -i "${envs[@]}" "$(command -v node)" --import tsx "$entry"
