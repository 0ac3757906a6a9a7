#!/usr/bin/env bash
# Stop the stack and delete all of its data (.berth/): databases, images, registry, logs, secrets.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
if [ "${1:-}" != "--yes" ]; then
  read -r -p "Delete everything in $BERTH_HOME (databases, images, secrets)? [y/N] " a
  [ "$a" = y ] || [ "$a" = Y ] || exit 1
fi
bash "$(dirname "$0")/down.sh"
# The second local host's namespace (and the bridge, unless a test network still uses it).
bash "$(dirname "$0")/services/host2.sh" remove
# Containers' overlay mounts may linger briefly after dockerd exits.
grep " $BERTH_HOME/docker" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
rm -rf "$BERTH_HOME"
say "reset: $BERTH_HOME deleted; npm run up starts from scratch"
