#!/usr/bin/env bash
# Caddy 2 as the front door: the dashboard and every app, plain HTTP on 127.0.0.1:$BERTH_PROXY_PORT.
# App routes are added at run time through the admin API by the worker (see worker/src/proxy).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ping() { curl -fsS "http://127.0.0.1:$BERTH_CADDY_ADMIN_PORT/config/" >/dev/null; }
if alive caddy && ping; then info "caddy: running on 127.0.0.1:$BERTH_PROXY_PORT (admin :$BERTH_CADDY_ADMIN_PORT)"; exit 0; fi
require_free_port caddy "$BERTH_PROXY_PORT" BERTH_PROXY_PORT
require_free_port caddy-admin "$BERTH_CADDY_ADMIN_PORT" BERTH_CADDY_ADMIN_PORT
say "caddy: starting on 127.0.0.1:$BERTH_PROXY_PORT"
dir="$BERTH_HOME/caddy"; mkdir -p "$dir"
cat > "$dir/caddy.json" <<CONF
{
  "admin": { "listen": "127.0.0.1:$BERTH_CADDY_ADMIN_PORT" },
  "storage": { "module": "file_system", "root": "$dir/data" },
  "apps": {
    "http": {
      "servers": {
        "berth": {
          "listen": ["127.0.0.1:$BERTH_PROXY_PORT"],
          "automatic_https": { "disable": true },
          "routes": [
            {
              "@id": "berth-dashboard",
              "handle": [{ "handler": "reverse_proxy", "upstreams": [{ "dial": "127.0.0.1:$BERTH_WEB_PORT" }] }]
            }
          ]
        }
      }
    }
  }
}
CONF
XDG_CONFIG_HOME="$dir" XDG_DATA_HOME="$dir" spawn caddy "$LOG_DIR/caddy.log" caddy run --config "$dir/caddy.json"
wait_until 20 caddy ping || { tail -20 "$LOG_DIR/caddy.log"; die "caddy did not start"; }
