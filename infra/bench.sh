#!/usr/bin/env bash
# `npm run bench`: benchmarks against the real stack (started if needed). Prints figures only.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
ensure_stack
node --import tsx infra/bench/run.ts "$@"
