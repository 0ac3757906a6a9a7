#!/usr/bin/env bash
# The CNCF distribution registry (Debian's docker-registry 2.8), data in .berth/registry.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ping() { curl -fsS -o /dev/null "http://127.0.0.1:$BERTH_REGISTRY_PORT/v2/" || [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BERTH_REGISTRY_PORT/v2/")" = 401 ]; }
if alive registry && ping; then info "registry: running on 127.0.0.1:$BERTH_REGISTRY_PORT"; exit 0; fi
require_free_port registry "$BERTH_REGISTRY_PORT" BERTH_REGISTRY_PORT
say "registry: starting on 127.0.0.1:$BERTH_REGISTRY_PORT"
dir="$BERTH_HOME/registry"; mkdir -p "$dir/data"
cat > "$dir/config.yml" <<CONF
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
  addr: 127.0.0.1:$BERTH_REGISTRY_PORT
  secret: $BERTH_REGISTRY_NOTIFY_SECRET
  headers:
    X-Content-Type-Options: [nosniff]
CONF
chmod 600 "$dir/config.yml"
spawn registry "$LOG_DIR/registry.log" docker-registry serve "$dir/config.yml"
wait_until 20 registry ping || { tail -20 "$LOG_DIR/registry.log"; die "registry did not start"; }
