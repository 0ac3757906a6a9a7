#!/usr/bin/env bash
# The second local host: a stand-in for another machine (README, "Hosts"), so placement, failover and
# multi-host deploys run against two real engines that share nothing but the kernel. It is a network
# namespace ($HOST2_NAMESPACE: $HOST2_ADDRESS on the bridge $HOSTNET_BRIDGE, no route beyond it) with
#   - a mount namespace of its own, kept by a holder process (host2-holder): its own /etc/docker,
#     /etc/hosts and /etc/resolv.conf, and none of the root namespace's other mounts;
#   - its own dockerd (dockerd2; data, exec root and socket under $HOST2_DIR): its own iptables, so
#     the two engines never flush each other's chains; ports are published on $HOST2_ADDRESS;
#   - the tunnels that a real host keeps with SSH: inside, tunnel-2 listens on the host's own
#     127.0.0.1:<Redis port> and :<registry port> and forwards to unix sockets in $TUNNEL_DIR, where
#     tunnel (root namespace) relays to 127.0.0.1. Image references and REDIS_URL are the same on
#     every host, and Redis and the registry keep listening on 127.0.0.1 only.
# Its agent, runtime-host-2, is started inside the network namespace by berth.sh.
#   host2.sh           start what is not running (a namespace that lost its port is made again)
#   host2.sh stop      stop its agent, tunnels, engine and holder; keep the namespace (npm run down)
#   host2.sh remove    stop, then remove the namespace, and the bridge if nothing else is on it (npm run reset)
# BERTH_LOCAL_HOSTS=1 disables it (and stops it if it runs). Names and addresses: infra/lib/common.sh.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
NETNS_SH="$ROOT/infra/testnet/netns.sh"
NODE=$(command -v node)
REDIS_SOCK="$TUNNEL_DIR/redis.sock"
REGISTRY_SOCK="$TUNNEL_DIR/registry.sock"
# The FORWARD rule the stack keeps for the bridge (a test network keeps its own, berth-testnet).
RULE_COMMENT=berth-stack

ping2() { curl -fsS --unix-socket "$DOCKER2_SOCKET" http://d/_ping 2>/dev/null | grep -q OK; }
in_host() { nsenter --net="$(host2_netns)" "$@"; }

# A forwarder whose supervisor was killed keeps running, and would hold its port against the next.
stop_orphan() { # name
  local p
  p=$(pid_of "$1-child" || true)
  if [ -n "$p" ] && { tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "infra/lib/tunnel.ts --name $1 "; then
    info "$1: ending the forwarder its killed supervisor left (pid $p)"
    stop_pid "$1-child"
  fi
  rm -f "$RUN_DIR/$1-child.pid"
}
# What a dockerd killed (or stopped mid-start) leaves behind: its containerd, shims and docker-proxies,
# found by this host's directory on their command line, ended by pid.
stop_strays() {
  local p comm pids=()
  for p in /proc/[0-9]*; do
    { read -r comm < "$p/comm"; } 2>/dev/null || continue
    case $comm in containerd | containerd-shim* | docker-proxy) ;; *) continue ;; esac
    { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF -- "$HOST2_DIR/" && pids+=("${p#/proc/}")
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  info "host-2: ending what its engine left running (pids ${pids[*]})"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && break; p=; done
    [ -z "$p" ] && return 0
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}
stop_host() {
  local name
  for name in runtime-host-2 tunnel-2 tunnel; do
    if alive "$name"; then say "stopping $name"; fi
    stop_pid "$name"
  done
  stop_orphan tunnel-2
  stop_orphan tunnel
  if alive dockerd2; then say "stopping dockerd2 (containers stop with it)"; fi
  stop_dockerd dockerd2
  stop_strays
  stop_pid host2-holder
}

case "${1:-start}" in
  start) ;;
  stop) stop_host; exit 0 ;;
  remove)
    stop_host
    if [ -e "$(host2_netns)" ]; then say "host-2: removing the namespace $HOST2_NAMESPACE"; fi
    bash "$NETNS_SH" ns-del "$HOST2_NAMESPACE" "$HOST2_VETH"
    bash "$NETNS_SH" bridge-release "$HOSTNET_BRIDGE" "$RULE_COMMENT"
    exit 0
    ;;
  *) die "usage: host2.sh [start|stop|remove]" ;;
esac

if ! second_host_enabled; then
  if alive dockerd2 || alive runtime-host-2; then
    say "host-2: disabled (BERTH_LOCAL_HOSTS=1), stopping it (containers stop with its engine)"
    stop_host
  fi
  exit 0
fi

# ------------------------------------------------------------------ before namespaces
# The second engine used to run in the root namespace (.berth/docker2, bridge berth1, team networks
# from 10.200.0.0/14): stop it if it still runs, and remove what it left.
legacy_cleanup() {
  local p link
  p=$(pid_of dockerd2 || true)
  if [ -n "$p" ] && { tr '\0' ' ' < "/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "--data-root $BERTH_HOME/docker2 "; then
    say "host-2: stopping the former second engine (root namespace, $BERTH_HOME/docker2)"
    stop_dockerd dockerd2
  fi
  [ -d "$BERTH_HOME/docker2" ] || [ -d "$BERTH_HOME/docker2-exec" ] || return 0
  say "host-2: removing the former second engine's data and bridges"
  clear_stale_containerd "$BERTH_HOME/docker2-exec"
  grep -F " $BERTH_HOME/docker2" /proc/mounts | awk '{ print $2 }' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$BERTH_HOME/docker2" "$BERTH_HOME/docker2-exec" "$RUN_DIR/docker2.sock" "$RUN_DIR/dockerd2.pid.docker"
  # Its bridges, unless another checkout's engine of the same kind still runs on them.
  pgrep -f -- "--bridge berth1 " >/dev/null && return 0
  for link in $(ip -o -4 addr show | awk '$4 ~ /^10\.(199|20[0-3])\./ { print $2 }' | sort -u); do
    case $link in berth1 | br-*) ip link del "$link" 2>/dev/null || true ;; esac
  done
}
legacy_cleanup

# ------------------------------------------------------------------ network namespace
net_ok() {
  [ -e "$(host2_netns)" ] && ip link show "$HOST2_VETH" >/dev/null 2>&1 &&
    ip -n "$HOST2_NAMESPACE" -4 -o addr show dev eth0 2>/dev/null | grep -qF " $HOST2_ADDRESS/"
}
bash "$NETNS_SH" bridge-up "$HOSTNET_BRIDGE" "$HOSTNET_GATEWAY" "$RULE_COMMENT"
if ! net_ok; then
  if [ -e "$(host2_netns)" ]; then
    # Its processes hold the old namespace: they go with it.
    say "host-2: the namespace $HOST2_NAMESPACE lost its port; making it again"
    stop_host
    bash "$NETNS_SH" ns-del "$HOST2_NAMESPACE" "$HOST2_VETH"
  else
    say "host-2: making the namespace $HOST2_NAMESPACE ($HOST2_ADDRESS on $HOSTNET_BRIDGE)"
    # Processes left in a namespace that someone else removed can never be reached again.
    stop_host
  fi
  bash "$NETNS_SH" ns-add "$HOSTNET_BRIDGE" "$HOST2_NAMESPACE" "$HOST2_VETH" "$HOST2_ADDRESS/${HOSTNET_GATEWAY#*/}"
fi
# A bridge made again (a test network's cleanup removed it while it was empty) has lost the port.
bash "$NETNS_SH" attach "$HOSTNET_BRIDGE" "$HOST2_VETH"

# ------------------------------------------------------------------ mount namespace
holder_ok() { alive host2-holder && [ -e "/proc/$(pid_of host2-holder)/ns/mnt" ]; }
if ! holder_ok; then
  info "host-2: starting the holder of its mount namespace"
  mkdir -p "$HOST2_DIR/etc/docker"
  # The engine's own settings are its command line below; an empty daemon.json keeps the root
  # namespace's (if any) from applying.
  echo '{}' > "$HOST2_DIR/etc/docker/daemon.json"
  printf '127.0.0.1 localhost\n::1 localhost\n%s %s\n' "$HOST2_ADDRESS" "$HOST2_NAMESPACE" > "$HOST2_DIR/etc/hosts"
  # The bridge's address: the test DNS answers there while a test network runs; otherwise nothing does.
  printf 'nameserver %s\noptions timeout:1 attempts:2\n' "${HOSTNET_GATEWAY%/*}" > "$HOST2_DIR/etc/resolv.conf"
  rm -f "$HOST2_DIR/holder.ready"
  spawn host2-holder "$LOG_DIR/host2-holder.log" nsenter --net="$(host2_netns)" unshare --mount --propagation private bash "$NETNS_SH" holder-init "$HOST2_DIR"
  wait_until 10 "host-2 holder" test -f "$HOST2_DIR/holder.ready" || die "host-2: its mount namespace was not made (log: $LOG_DIR/host2-holder.log)"
fi

# ------------------------------------------------------------------ engine
if ping2; then
  info "dockerd2: engine answering on $DOCKER2_SOCKET (in $HOST2_NAMESPACE)"
else
  say "dockerd2: starting the engine of host-2 in $HOST2_NAMESPACE"
  mkdir -p "$HOST2_DIR/data" "$HOST2_DIR/exec"
  # A dockerd killed without cleanup leaves its socket and pidfile behind.
  rm -f "$DOCKER2_SOCKET" "$HOST2_DIR/dockerd.pid"
  clear_stale_containerd "$HOST2_DIR/exec"
  spawn dockerd2 "$LOG_DIR/dockerd2.log" nsenter --net="$(host2_netns)" --mount="/proc/$(pid_of host2-holder)/ns/mnt" dockerd \
    --data-root "$HOST2_DIR/data" \
    --exec-root "$HOST2_DIR/exec" \
    --pidfile "$HOST2_DIR/dockerd.pid" \
    -H "unix://$DOCKER2_SOCKET" \
    --bip "$HOST2_DOCKER_BIP" \
    --default-address-pool "base=$HOST2_DOCKER_POOL,size=24" \
    --containerd-namespace "$HOST2_NAMESPACE" \
    --containerd-plugins-namespace "${HOST2_NAMESPACE}p" \
    --cgroup-parent "/$HOST2_NAMESPACE" \
    --ip "$HOST2_ADDRESS" \
    --storage-driver overlay2 \
    --log-level warn
  wait_until 60 dockerd2 ping2 || { tail -30 "$LOG_DIR/dockerd2.log"; die "the engine of host-2 did not start (log: $LOG_DIR/dockerd2.log)"; }
fi

# ------------------------------------------------------------------ tunnels
supervised() { # name command...
  local name=$1
  shift
  spawn "$name" "$LOG_DIR/$name.log" "$BASH" "$ROOT/infra/lib/supervise.sh" "$name" "$RUN_DIR/$name-child.pid" -- "$@"
}
mkdir -p "$TUNNEL_DIR"
chmod 700 "$TUNNEL_DIR"
if alive tunnel; then
  info "tunnel: running (pid $(pid_of tunnel))"
else
  say "tunnel: relaying $TUNNEL_DIR/*.sock to Redis and the registry on 127.0.0.1"
  stop_orphan tunnel
  supervised tunnel "$NODE" --import tsx infra/lib/tunnel.ts --name tunnel \
    --listen "unix:$REDIS_SOCK" --to "tcp:127.0.0.1:$BERTH_REDIS_PORT" \
    --listen "unix:$REGISTRY_SOCK" --to "tcp:127.0.0.1:$BERTH_REGISTRY_PORT"
fi
if alive tunnel-2; then
  info "tunnel-2: running (pid $(pid_of tunnel-2))"
else
  say "tunnel-2: host-2's 127.0.0.1:$BERTH_REDIS_PORT and :$BERTH_REGISTRY_PORT to the stack's Redis and registry"
  stop_orphan tunnel-2
  supervised tunnel-2 nsenter --net="$(host2_netns)" "$NODE" --import tsx infra/lib/tunnel.ts --name tunnel-2 \
    --listen "tcp:127.0.0.1:$BERTH_REDIS_PORT" --to "unix:$REDIS_SOCK" \
    --listen "tcp:127.0.0.1:$BERTH_REGISTRY_PORT" --to "unix:$REGISTRY_SOCK"
fi
# From inside host-2, as its engine and agent will: the registry answers (200 or 401), Redis answers
# (-NOAUTH without a password).
through_tunnel() {
  local code
  code=$(in_host curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$BERTH_REGISTRY_PORT/v2/") || true
  [ "$code" = 200 ] || [ "$code" = 401 ] || return 1
  in_host bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "PING\r\n" >&3 && read -r -t 2 line <&3 && [[ $line == [+-]* ]]' _ "$BERTH_REDIS_PORT"
}
wait_until 30 "tunnels" through_tunnel || die "host-2 does not reach Redis and the registry through its tunnel (logs: $LOG_DIR/tunnel.log, $LOG_DIR/tunnel-2.log)"
info "host-2: $HOST2_ADDRESS, engine $DOCKER2_SOCKET, Redis and registry through the tunnel"
