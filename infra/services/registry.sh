#!/usr/bin/env bash
# The CNCF distribution registry (Debian's docker-registry 2.8), data in .berth/registry.
# Berth is its token server (auth.token) and receives its notifications (web/src/app/api/registry).
# It listens on a unix socket only: Caddy (caddy.sh) answers on 127.0.0.1:$BERTH_REGISTRY_PORT and
# hands it the requests that name it (127.0.0.1 or localhost), so a name rebound to 127.0.0.1 by a
# hostile page (DNS rebinding) reaches nothing. A changed configuration restarts it.
# It runs under a supervisor (infra/lib/supervise.sh) that starts it again if it dies; each start
# removes the socket a killed registry leaves behind (it would not listen otherwise).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
dir="$BERTH_HOME/registry"; mkdir -p "$dir/data"
sock="$dir/registry.sock"
ping() { local c; c=$(curl -s -o /dev/null -w '%{http_code}' --unix-socket "$sock" "http://127.0.0.1:$BERTH_REGISTRY_PORT/v2/"); [ "$c" = 200 ] || [ "$c" = 401 ]; }

conf=$(cat <<CONF
version: 0.1
log:
  level: info
  formatter: json
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  net: unix
  addr: $sock
  secret: $BERTH_REGISTRY_NOTIFY_SECRET
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  token:
    realm: http://127.0.0.1:$BERTH_WEB_PORT/api/registry/token
    service: $BERTH_REGISTRY_SERVICE
    issuer: berth
    rootcertbundle: $dir/token.crt
notifications:
  events:
    includereferences: true
  endpoints:
    - name: berth
      url: http://127.0.0.1:$BERTH_WEB_PORT/api/registry/events
      headers:
        Authorization: [Bearer $BERTH_REGISTRY_NOTIFY_SECRET]
      timeout: 3s
      threshold: 5
      backoff: 1s
CONF
)

if is_supervisor registry && [ "$conf" = "$(cat "$dir/config.yml" 2>/dev/null)" ] && wait_until 20 registry ping; then
  info "registry: running on $sock (reached through Caddy on 127.0.0.1:$BERTH_REGISTRY_PORT)"
  exit 0
fi
if alive registry; then say "registry: restarting (configuration changed, or not under its supervisor yet)"; stop_pid registry; fi
rm -f "$sock"
say "registry: starting on $sock"
umask 077; printf '%s\n' "$conf" > "$dir/config.yml"
# shellcheck disable=SC2016 # expanded by the inner bash
spawn_supervised registry "$LOG_DIR/registry.log" "$BASH" -c 'rm -f "$1"; exec "$2" serve "$3"' registry "$sock" "$(command -v docker-registry)" "$dir/config.yml"
wait_until 20 registry ping || { tail -20 "$LOG_DIR/registry.log"; die "registry did not start"; }
