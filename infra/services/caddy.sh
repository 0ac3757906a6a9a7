#!/usr/bin/env bash
# Caddy 2 as the front door, plain HTTP on 127.0.0.1:$BERTH_PROXY_PORT:
#   - Host localhost or 127.0.0.1: the dashboard (web);
#   - any other Host: the app routed at that hostname. Caddy asks Berth's router (a DNS server on
#     udp/127.0.0.1:$BERTH_ROUTER_PORT, worker/src/router) for the hostname's SRV records, caching
#     them for 100ms (ROUTE_REFRESH_MS in core/src/routes.ts). Routes therefore change without
#     touching Caddy's config: a config change would reset in-flight keep-alive connections.
#   - a hostname without a route: HTTP 503 "No app is deployed at <host>".
# and on 127.0.0.1:$BERTH_REGISTRY_PORT, in front of the registry (on its unix socket, registry.sh):
#   - Host 127.0.0.1 or localhost (any port: docker, runtime-hosts, host 2 through its tunnel): the registry;
#   - any other Host: 421. A page elsewhere that rebinds its own name to 127.0.0.1 (DNS rebinding)
#     reaches neither the registry nor, for the same reason, the dashboard (web checks it too).
# Idempotent: a running Caddy whose live config differs from this one loads it once (POST /load).
# It runs in the foreground (caddy run) under a supervisor (infra/lib/supervise.sh) that starts it
# again if it dies; it then reads caddy.json, which is always the config last loaded.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ping() { curl -fsS "http://127.0.0.1:$BERTH_CADDY_ADMIN_PORT/config/" >/dev/null; }
dir="$BERTH_HOME/caddy"; mkdir -p "$dir"
router="udp/127.0.0.1:$BERTH_ROUTER_PORT"
cat > "$dir/caddy.json.new" <<CONF
{
  "admin": { "listen": "127.0.0.1:$BERTH_CADDY_ADMIN_PORT" },
  "storage": { "module": "file_system", "root": "$dir/data" },
  "apps": {
    "http": {
      "servers": {
        "registry": {
          "listen": ["127.0.0.1:$BERTH_REGISTRY_PORT"],
          "automatic_https": { "disable": true },
          "routes": [
            {
              "@id": "berth-registry",
              "match": [{ "host": ["localhost", "127.0.0.1"] }],
              "handle": [{ "handler": "reverse_proxy", "upstreams": [{ "dial": "unix/$BERTH_HOME/registry/registry.sock" }] }],
              "terminal": true
            },
            {
              "handle": [
                {
                  "handler": "static_response",
                  "status_code": 421,
                  "headers": { "Content-Type": ["text/plain; charset=utf-8"], "Cache-Control": ["no-store"], "X-Content-Type-Options": ["nosniff"] },
                  "body": "Berth's registry does not answer for the host {http.request.host}\n"
                }
              ]
            }
          ]
        },
        "berth": {
          "listen": ["127.0.0.1:$BERTH_PROXY_PORT"],
          "automatic_https": { "disable": true },
          "routes": [
            {
              "@id": "berth-dashboard",
              "match": [{ "host": ["localhost", "127.0.0.1"] }],
              "handle": [{ "handler": "reverse_proxy", "upstreams": [{ "dial": "127.0.0.1:$BERTH_WEB_PORT" }] }],
              "terminal": true
            },
            {
              "@id": "berth-apps",
              "handle": [
                {
                  "handler": "reverse_proxy",
                  "dynamic_upstreams": {
                    "source": "srv",
                    "name": "{http.request.host}",
                    "refresh": "100ms",
                    "resolver": { "addresses": ["$router"] },
                    "dial_timeout": "1s"
                  },
                  "transport": {
                    "protocol": "http",
                    "resolver": { "addresses": ["$router"] },
                    "dial_timeout": "2s"
                  }
                }
              ]
            }
          ],
          "errors": {
            "routes": [
              {
                "match": [{ "expression": "{http.error.status_code} == 503", "not": [{ "host": ["localhost", "127.0.0.1"] }] }],
                "handle": [
                  {
                    "handler": "static_response",
                    "status_code": 503,
                    "headers": { "Content-Type": ["text/plain; charset=utf-8"], "Cache-Control": ["no-store"] },
                    "body": "No app is deployed at {http.request.host}\n"
                  }
                ]
              }
            ]
          }
        }
      }
    }
  }
}
CONF
mv "$dir/caddy.json.new" "$dir/caddy.json"

if alive caddy && ! is_supervisor caddy; then say "caddy: restarting it under its supervisor"; stop_pid caddy; fi
if is_supervisor caddy && wait_until 20 caddy ping; then
  # Caddy answers GET /config/ with its live config; compare as data, not as text.
  if node -e '
    const fs = require("node:fs");
    const canon = (v) => Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v;
    const [file, live] = [fs.readFileSync(process.argv[1], "utf8"), fs.readFileSync(0, "utf8")].map((t) => JSON.stringify(canon(JSON.parse(t))));
    process.exit(file === live ? 0 : 1);
  ' "$dir/caddy.json" < <(curl -fsS "http://127.0.0.1:$BERTH_CADDY_ADMIN_PORT/config/"); then
    info "caddy: running on 127.0.0.1:$BERTH_PROXY_PORT (admin :$BERTH_CADDY_ADMIN_PORT)"
    exit 0
  fi
  say "caddy: config changed, loading it"
  out=$(curl -sS -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "@$dir/caddy.json" "http://127.0.0.1:$BERTH_CADDY_ADMIN_PORT/load")
  [ "${out##*$'\n'}" = 200 ] || die "caddy refused the new config: ${out%$'\n'*}"
  exit 0
fi
# Supervised but not answering within 20 s: started again.
if alive caddy; then say "caddy: not answering, restarting it"; stop_pid caddy; fi
require_free_port caddy "$BERTH_PROXY_PORT" BERTH_PROXY_PORT
require_free_port caddy-registry "$BERTH_REGISTRY_PORT" BERTH_REGISTRY_PORT
require_free_port caddy-admin "$BERTH_CADDY_ADMIN_PORT" BERTH_CADDY_ADMIN_PORT
say "caddy: starting on 127.0.0.1:$BERTH_PROXY_PORT"
XDG_CONFIG_HOME="$dir" XDG_DATA_HOME="$dir" spawn_supervised caddy "$LOG_DIR/caddy.log" "$(command -v caddy)" run --config "$dir/caddy.json"
wait_until 20 caddy ping || { tail -20 "$LOG_DIR/caddy.log"; die "caddy did not start"; }
