#!/usr/bin/env bash
# A second Docker Engine beside the first: the engine of this machine's second local host
# (runtime-host-2), so placement, failover and multi-host deploys run against two real engines.
# Its own bridge (berth1) and address pool, data-root .berth/docker2, exec-root .berth/docker2-exec,
# containerd namespaces d2/d2p, socket .berth/run/docker2.sock. Published ports default to 127.0.0.1.
# Its bridge and pool (10.199.0.0/16, 10.200.0.0/14) stay clear of the first engine's (docker.sh).
# BERTH_LOCAL_HOSTS=1 disables it (and stops it if it runs).
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ping() { curl -fsS --unix-socket "$DOCKER2_SOCKET" http://d/_ping 2>/dev/null | grep -q OK; }
if ! second_host_enabled; then
  if alive dockerd2; then
    say "docker2: disabled (BERTH_LOCAL_HOSTS=1), stopping it (containers stop with it)"
    stop_dockerd dockerd2
  fi
  exit 0
fi
if ping; then info "docker2: engine answering on $DOCKER2_SOCKET"; exit 0; fi
say "docker2: starting a second dockerd on $DOCKER2_SOCKET"
ensure_bridge "$BERTH_DOCKER2_BRIDGE" "$BERTH_DOCKER2_BRIDGE_CIDR"
mkdir -p "$BERTH_HOME/docker2" "$BERTH_HOME/docker2-exec"
# A dockerd killed without cleanup leaves its socket and pidfile behind.
rm -f "$DOCKER2_SOCKET" "$RUN_DIR/dockerd2.pid.docker"
clear_stale_containerd "$BERTH_HOME/docker2-exec"
snap=$(mktemp -d)
iptables_snapshot "$snap"
# A dockerd started with --default-address-pool deletes the link named docker0 (moby's
# removeDefaultBridgeInterface), whoever uses it: Berth's first engine runs on its own bridge, but an
# engine Berth did not start may use docker0. Keep it out of reach (renamed) while this one starts.
hidden=
if ip link show docker0 >/dev/null 2>&1; then
  hidden=berth-hide-d0
  ip link set docker0 down && ip link set docker0 name "$hidden" && ip link set "$hidden" up
fi
unhide() {
  if [ -n "$hidden" ] && ip link show "$hidden" >/dev/null 2>&1; then
    ip link set "$hidden" down && ip link set "$hidden" name docker0 && ip link set docker0 up
  fi
}
trap 'unhide; rm -rf "$snap"' EXIT
spawn dockerd2 "$LOG_DIR/dockerd2.log" dockerd \
  --data-root "$BERTH_HOME/docker2" \
  --exec-root "$BERTH_HOME/docker2-exec" \
  --pidfile "$RUN_DIR/dockerd2.pid.docker" \
  -H "unix://$DOCKER2_SOCKET" \
  --bridge "$BERTH_DOCKER2_BRIDGE" \
  --default-address-pool "base=$BERTH_DOCKER2_POOL,size=24" \
  --containerd-namespace d2 \
  --containerd-plugins-namespace d2p \
  --ip 127.0.0.1 \
  --storage-driver overlay2 \
  --log-level warn
wait_until 60 dockerd2 ping || { tail -30 "$LOG_DIR/dockerd2.log"; die "the second dockerd did not start (log: $LOG_DIR/dockerd2.log)"; }
unhide
# It flushed the shared DOCKER chains while starting; put the first engine's rules back.
iptables_restore_for "$snap" "$DOCKER_SOCKET"
