#!/usr/bin/env bash
# Docker Engine (Debian's docker.io). Reuses an engine already answering on $DOCKER_SOCKET;
# otherwise starts dockerd with its data in .berth/docker. Published ports default to 127.0.0.1.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ping() { curl -fsS --unix-socket "$DOCKER_SOCKET" http://d/_ping 2>/dev/null | grep -q OK; }
if ping; then info "docker: engine answering on $DOCKER_SOCKET"; exit 0; fi
say "docker: starting dockerd on $DOCKER_SOCKET"
mkdir -p "$BERTH_HOME/docker"
# A bridge of Berth's own rather than docker0: a dockerd started with --default-address-pool deletes
# any link named docker0 when it starts (moby's removeDefaultBridgeInterface), whoever uses it.
# It is the only engine in the root network namespace: the second local host's runs in its own
# (host2.sh), with its own iptables, so neither flushes the other's chains.
ensure_bridge "$BERTH_DOCKER_BRIDGE" "$BERTH_DOCKER_BRIDGE_CIDR"
# A dockerd killed without cleanup leaves its socket and pidfile behind.
rm -f "$DOCKER_SOCKET" "$RUN_DIR/dockerd.pid.docker"
clear_stale_containerd /var/run/docker
spawn dockerd "$LOG_DIR/dockerd.log" dockerd \
  --data-root "$BERTH_HOME/docker" \
  --pidfile "$RUN_DIR/dockerd.pid.docker" \
  -H "unix://$DOCKER_SOCKET" \
  --bridge "$BERTH_DOCKER_BRIDGE" \
  --default-address-pool "base=$BERTH_DOCKER_POOL,size=24" \
  --ip 127.0.0.1 \
  --storage-driver overlay2 \
  --log-level warn
wait_until 60 dockerd ping || { tail -30 "$LOG_DIR/dockerd.log"; die "dockerd did not start (log: $LOG_DIR/dockerd.log)"; }
