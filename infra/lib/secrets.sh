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

# The registry trusts tokens signed by this key (ES256); its certificate is the registry's
# rootcertbundle, and web signs with the key (infra/services/registry.sh, web/src/server/registry).
reg="$BERTH_HOME/registry"; mkdir -p "$reg"
if [ ! -f "$reg/token.key" ] || [ ! -f "$reg/token.crt" ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out "$reg/token.key" 2>/dev/null
  openssl req -new -x509 -key "$reg/token.key" -out "$reg/token.crt" -days 3650 -subj "/CN=berth-registry-token-issuer" 2>/dev/null
  chmod 600 "$reg/token.key"
fi
