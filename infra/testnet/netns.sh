#!/usr/bin/env bash
# The privileged plumbing of the test network (infra/testnet/README.md) and of the stack's own
# namespace hosts (infra/services/host2.sh). Called with every value as its own argument (names and
# addresses come from infra/testnet/constants.ts, or infra/lib/common.sh for the stack):
#   netns.sh bridge-up BRIDGE CIDR [RULE-COMMENT]   (the comment marks the FORWARD rule; default berth-testnet)
#   netns.sh bridge-release BRIDGE RULE-COMMENT     (drop that rule; drop the bridge once no port is left on it)
#   netns.sh ns-add BRIDGE NS VETH ADDR/PREFIX [--route DST VIA]... [--lo-addr ADDR/32]...
#   netns.sh attach BRIDGE VETH           (put a namespace's port (back) on the bridge, up)
#   netns.sh link VETH up|down
#   netns.sh ns-del NS VETH
#   netns.sh holder-init HOSTDIR          (run inside a fresh mount namespace; ends by exec'ing sleep)
#   netns.sh cgroups-kill NAME            (end the processes under a host's cgroup parent: its containers)
#   netns.sh cgroups-clear NAME           (the same, then remove that cgroup parent in every hierarchy)
#   netns.sh cleanup DIR BRIDGE           (a test network's: never the stack's namespaces, ports or rule)
# Nothing here reads the environment for a setting, and nothing builds a command from a string.
set -euo pipefail

# A rule that lets frames cross the bridge between two of its ports: with br_netfilter loaded (Docker
# loads it) bridged traffic goes through the root namespace's FORWARD chain, whose policy is DROP.
# Each user of the bridge (a test network, the stack) has a rule of its own, told apart by its comment,
# so that one removing its rule leaves the other's.
forward_rule() { # bridge comment
  echo FORWARD -i "$1" -o "$1" -m comment --comment "${2:-berth-testnet}" -j ACCEPT
}

bridge_up() { # bridge cidr [comment]
  local rule
  ip link show "$1" >/dev/null 2>&1 || ip link add name "$1" type bridge
  ip addr replace "$2" dev "$1"
  ip link set "$1" up
  read -ra rule < <(forward_rule "$1" "${3:-}")
  iptables -C "${rule[@]}" 2>/dev/null || iptables -I "${rule[0]}" 1 "${rule[@]:1}"
}

# The bridge is shared: whoever is done with it drops its own rule, and the bridge goes with the last port.
bridge_release() { # bridge comment
  local rule i
  read -ra rule < <(forward_rule "$1" "$2")
  for ((i = 0; i < 10; i++)); do iptables -D "${rule[@]}" 2>/dev/null || break; done
  if ip link show "$1" >/dev/null 2>&1 && [ -z "$(ip -o link show master "$1")" ]; then ip link del "$1"; fi
  return 0
}

attach() { # bridge veth
  ip link set "$2" master "$1" up
}

ns_add() { # bridge ns veth addr [--route dst via]... [--lo-addr addr]...
  local bridge=$1 ns=$2 veth=$3 addr=$4
  shift 4
  ip netns add "$ns"
  # The address may have been another namespace's a moment ago (the previous test's network): the root
  # namespace would keep sending to that one's MAC while its neighbour entry stays reachable (up to ~45 s).
  ip neigh flush to "${addr%/*}" 2>/dev/null || true
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$bridge" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr" dev eth0
  ip -n "$ns" link set eth0 up
  while [ $# -gt 0 ]; do
    case $1 in
      --route) ip -n "$ns" route add "$2" via "$3" dev eth0; shift 3 ;;
      --lo-addr) ip -n "$ns" addr add "$2" dev lo; shift 2 ;;
      *) echo "ns-add: unknown option $1" >&2; exit 2 ;;
    esac
  done
}

ns_del() { # ns veth
  # Deleting one end of a veth pair deletes the other, wherever it is.
  ip link del "$2" 2>/dev/null || true
  ip netns del "$1" 2>/dev/null || true
}

# Inside `unshare --mount --propagation private`: drop this namespace's copies of the root namespace's
# mounts (other engines' overlays and network namespaces would otherwise stay referenced as long as
# this host lives), then give the host its own /etc/docker, /etc/hosts and /etc/resolv.conf. Kept:
# /, /proc, /sys, /dev, and the mounts the host's own directory lies on (a checkout on /home, say).
holder_init() { # hostdir (absolute)
  local dir=$1 m
  awk '{ print $5 }' /proc/self/mountinfo | while IFS= read -r m; do
    m=$(printf '%b' "$m")
    case $m in
      / | /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) ;;
      *) case "$dir/" in "$m"/*) ;; *) printf '%s\n' "$m" ;; esac ;;
    esac
  done | sort -r | while IFS= read -r m; do umount -l "$m" 2>/dev/null || true; done
  mkdir -p /etc/docker
  mount --bind "$dir/etc/docker" /etc/docker
  mount --bind "$dir/etc/hosts" /etc/hosts
  mount --bind "$dir/etc/resolv.conf" /etc/resolv.conf
  touch "$dir/holder.ready"
  exec sleep infinity
}

# ------------------------------------------------------------------ cleanup

# The 22nd field of /proc/PID/stat (start time): with the pid, it names one process for good.
start_time() { # pid
  local stat rest
  { read -r stat < "/proc/$1/stat"; } 2>/dev/null || return 1
  rest=${stat##*) }
  # shellcheck disable=SC2086
  set -- $rest
  [ "$1" != Z ] || return 1 # a zombie has finished; pid 1 here reaps slowly
  echo "${20}"
}

# Pids still alive among "pid start" pidfiles.
live_pids() { # pidfile...
  local f pid start
  for f in "$@"; do
    [ -f "$f" ] || continue
    read -r pid start < "$f" || true
    [[ $pid =~ ^[0-9]+$ ]] || continue
    [ "$(start_time "$pid" || true)" = "$start" ] && echo "$pid"
  done
}

stop_pids() { # seconds pid...
  local secs=$1 p left i
  shift
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    left=0
    for p in "$@"; do start_time "$p" >/dev/null && left=1; done
    [ $left = 0 ] && return 0
    sleep 0.1
  done
  kill -KILL "$@" 2>/dev/null || true
  sleep 0.2
}

# Engines and their helpers that name this directory on their command line (a dockerd killed with
# SIGKILL leaves its containerd, its shims and its docker-proxies behind).
strays() { # dir
  local p exe
  for p in /proc/[0-9]*; do
    { read -r exe < "$p/comm"; } 2>/dev/null || continue
    case $exe in dockerd|containerd|containerd-shim*|docker-proxy|docker-registr*) ;; *) continue ;; esac
    tr '\0' '\n' < "$p/cmdline" 2>/dev/null | grep -qF -- "$1/" || continue
    start_time "${p#/proc/}" >/dev/null && echo "${p#/proc/}"
  done
}

# A host's containers run under its own cgroup parent (dockerd --cgroup-parent) in every hierarchy.
# Killing them before their engine stops spares each container's 10 s stop timeout.
kill_cgroups() { # name
  local d procs
  [[ $1 =~ ^berth-tn-[a-z0-9-]+$ ]] || { echo "cgroups: not a test host's cgroup: $1" >&2; return 2; }
  for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
    [ -d "$d" ] || continue
    procs=$(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u)
    # shellcheck disable=SC2086
    [ -z "$procs" ] || { kill -KILL $procs 2>/dev/null || true; sleep 0.2; }
  done
}

# Then the directories go (deepest first).
clear_cgroups() { # name
  local d
  kill_cgroups "$1"
  for d in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
    if [ -d "$d" ]; then find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true; fi
  done
}

cleanup() { # dir bridge
  local dir=$1 bridge=$2 f ns veth pids
  case $dir in /*) ;; *) echo "cleanup: DIR must be absolute" >&2; exit 2 ;; esac
  [ "$dir" != / ] || exit 2
  # Only a directory testnet.ts made (it writes the marker before anything else): the process sweep
  # below matches command lines by this path.
  if [ -f "$dir/.berth-testnet" ]; then
    # Containers first, then their engines, then everything else the pidfiles name.
    for f in "$dir"/cgroups/*; do
      if [ -f "$f" ]; then kill_cgroups "$(cat "$f")"; fi
    done
    mapfile -t pids < <(live_pids "$dir"/pids/dockerd-*.pid)
    stop_pids 40 "${pids[@]}"
    mapfile -t pids < <(live_pids "$dir"/pids/*.pid)
    stop_pids 5 "${pids[@]}"
    mapfile -t pids < <(strays "$dir")
    stop_pids 5 "${pids[@]}"
    for f in "$dir"/cgroups/*; do
      if [ -f "$f" ]; then clear_cgroups "$(cat "$f")"; fi
    done
    for f in "$dir"/netns/*; do
      [ -f "$f" ] || continue
      read -r ns veth < "$f" || true
      if [ -n "$ns" ]; then ns_del "$ns" "$veth"; fi
    done
  fi
  # Ports left on the bridge by a state directory that is gone: ours by their prefix. The stack's
  # (bs-*) stay, and so does the bridge while they are on it.
  if ip link show "$bridge" >/dev/null 2>&1; then
    for veth in $(ip -o link show master "$bridge" | awk -F': ' '{ print $2 }' | cut -d@ -f1); do
      case $veth in tn-*) ip link del "$veth" 2>/dev/null || true ;; esac
    done
  fi
  bridge_release "$bridge" berth-testnet
  if [ -f "$dir/.berth-testnet" ]; then rm -rf "$dir"; fi
  return 0
}

cmd=${1:-}
shift || true
case $cmd in
  bridge-up) bridge_up "$@" ;;
  bridge-release) bridge_release "$@" ;;
  attach) attach "$@" ;;
  ns-add) ns_add "$@" ;;
  link) ip link set "$1" "$2" ;;
  ns-del) ns_del "$@" ;;
  holder-init) holder_init "$@" ;;
  cgroups-kill) kill_cgroups "$@" ;;
  cgroups-clear) clear_cgroups "$@" ;;
  cleanup) cleanup "$@" ;;
  *) echo "usage: netns.sh bridge-up|bridge-release|ns-add|attach|link|ns-del|holder-init|cgroups-kill|cgroups-clear|cleanup ..." >&2; exit 2 ;;
esac
