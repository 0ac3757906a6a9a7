#!/usr/bin/env bash
# Redis 7 for BullMQ queues and socket.io: password-protected, 127.0.0.1 only, data in .berth/redis.
# It runs in the foreground under a supervisor (infra/lib/supervise.sh) that starts it again if it dies.
set -euo pipefail
. "$(dirname "$0")/../lib/common.sh"
ping() { redis-cli -p "$BERTH_REDIS_PORT" --no-auth-warning -a "$BERTH_REDIS_PASSWORD" ping | grep -q PONG; }
if is_supervisor redis && wait_until 20 redis ping; then info "redis: running on 127.0.0.1:$BERTH_REDIS_PORT"; exit 0; fi
# One started before supervision (or whose supervisor cannot get it to answer) is started again under one.
if alive redis; then say "redis: restarting it under its supervisor"; stop_pid redis; fi
require_free_port redis "$BERTH_REDIS_PORT" BERTH_REDIS_PORT
say "redis: starting on 127.0.0.1:$BERTH_REDIS_PORT"
mkdir -p "$BERTH_HOME/redis"
conf="$BERTH_HOME/redis/redis.conf"
cat > "$conf" <<CONF
bind 127.0.0.1
port $BERTH_REDIS_PORT
dir $BERTH_HOME/redis
appendonly yes
# BullMQ requires that Redis never evicts its keys.
maxmemory-policy noeviction
requirepass $BERTH_REDIS_PASSWORD
CONF
chmod 600 "$conf"
spawn_supervised redis "$LOG_DIR/redis.log" "$(command -v redis-server)" "$conf"
wait_until 20 redis ping || { tail -20 "$LOG_DIR/redis.log"; die "redis did not start"; }
