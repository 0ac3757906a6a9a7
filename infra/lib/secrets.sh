#!/usr/bin/env bash
# Writes .berth/berth.env with generated secrets on first run; later runs keep them.
set -euo pipefail
. "$(dirname "$0")/common.sh"
f="$BERTH_HOME/berth.env"
touch "$f"; chmod 600 "$f"
gen() { head -c "$1" /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$2"; }
add() { grep -q "^$1=" "$f" || echo "$1=$2" >> "$f"; }
add BERTH_PG_PASSWORD "$(gen 48 32)"
add BERTH_REDIS_PASSWORD "$(gen 48 32)"
add BETTER_AUTH_SECRET "$(gen 64 48)"
add BERTH_ENCRYPTION_KEY "$(head -c 32 /dev/urandom | base64)"
add BERTH_ADMIN_PASSWORD "$(gen 48 20)"
add BERTH_REGISTRY_NOTIFY_SECRET "$(gen 48 32)"
