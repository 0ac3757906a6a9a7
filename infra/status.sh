#!/usr/bin/env bash
# One line per service: running or not, pid, address. Exit 1 when something is down.
set -uo pipefail
. "$(dirname "$0")/lib/common.sh"
down=0
row() { # name ok detail
  if [ "$2" = 1 ]; then printf '  \033[32m●\033[0m %-15s %s\n' "$1" "$3"; else printf '  \033[31m○\033[0m %-15s %s\n' "$1" "$3"; down=1; fi
}
check_pid() { alive "$1" && echo 1 || echo 0; }
# A supervised process (infra/lib/supervise.sh): its supervisor (<name>.pid) and the process itself
# (<name>-child.pid) run. One started before supervision counts as running, marked unsupervised.
check_sup() { if is_supervisor "$1"; then alive "$1-child" && echo 1 || echo 0; else check_pid "$1"; fi; }
sup() { # name: what to show after the address
  if is_supervisor "$1"; then echo "(pid $(pid_of "$1-child" || echo -), supervisor $(pid_of "$1"))"; elif alive "$1"; then echo "(pid $(pid_of "$1"), unsupervised)"; fi
}
pg_ok=0; [ -f "$BERTH_HOME/pg/data/postmaster.pid" ] && kill -0 "$(head -1 "$BERTH_HOME/pg/data/postmaster.pid")" 2>/dev/null && pg_ok=1
is_supervisor postgres && ! alive postgres-child && pg_ok=0
row postgres "$pg_ok" "127.0.0.1:$BERTH_PG_PORT $(sup postgres)"
row redis "$(check_sup redis)" "127.0.0.1:$BERTH_REDIS_PORT $(sup redis)"
docker_ok=0; curl -fsS --unix-socket "$DOCKER_SOCKET" http://d/_ping >/dev/null 2>&1 && docker_ok=1
row dockerd "$docker_ok" "$DOCKER_SOCKET"
row registry "$(check_sup registry)" "127.0.0.1:$BERTH_REGISTRY_PORT $(sup registry)"
row caddy "$(check_sup caddy)" "127.0.0.1:$BERTH_PROXY_PORT (admin 127.0.0.1:$BERTH_CADDY_ADMIN_PORT) $(sup caddy)"
row web "$(check_sup web)" "127.0.0.1:$BERTH_WEB_PORT $(sup web)"
worker_ok=0; alive worker && alive worker-child && worker_ok=1
row worker "$worker_ok" "supervisor pid $(pid_of worker || echo -), worker pid $(pid_of worker-child || echo -)"
router_ok=0; [ "$(check_sup router)" = 1 ] && [ -n "$(ss -Hlun "sport = :$BERTH_ROUTER_PORT" 2>/dev/null)" ] && router_ok=1
row router "$router_ok" "udp/127.0.0.1:$BERTH_ROUTER_PORT $(sup router)"
row runtime-host "$(check_sup runtime-host)" "$DOCKER_SOCKET $(sup runtime-host)"
if second_host_enabled; then
  # The second local host: its namespace on the bridge, its engine, the tunnels, its agent.
  host2_ok=0
  [ -e "$(host2_netns)" ] && ip -o link show master "$HOSTNET_BRIDGE" 2>/dev/null | grep -q " $HOST2_VETH@.* state UP" && host2_ok=1
  row host-2 "$host2_ok" "namespace $HOST2_NAMESPACE, $HOST2_ADDRESS on $HOSTNET_BRIDGE"
  docker2_ok=0; curl -fsS --unix-socket "$DOCKER2_SOCKET" http://d/_ping >/dev/null 2>&1 && docker2_ok=1
  row dockerd2 "$docker2_ok" "$DOCKER2_SOCKET (in $HOST2_NAMESPACE)"
  tunnel_ok=0; alive tunnel && alive tunnel-child && alive tunnel-2 && alive tunnel-2-child && tunnel_ok=1
  row tunnel "$tunnel_ok" "host-2's 127.0.0.1:$BERTH_REDIS_PORT, :$BERTH_REGISTRY_PORT -> $TUNNEL_DIR -> 127.0.0.1"
  row runtime-host-2 "$(check_sup runtime-host-2)" "in $HOST2_NAMESPACE, publishes on $HOST2_ADDRESS $(sup runtime-host-2)"
fi
if [ "$down" = 0 ]; then
  echo; echo "  dashboard: http://localhost:$BERTH_PROXY_PORT    health: $(curl -s "http://127.0.0.1:$BERTH_WEB_PORT/api/health" | head -c 20)…"
fi
exit $down
