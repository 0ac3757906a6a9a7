// runtime-host: the agent on each Linux host. Drives the local Docker Engine and reports to
// the control plane through Redis queues.
import { QUEUE_PREFIX, QUEUES } from "@berth/core";
import { createLogger } from "@berth/core/logger";
import { Queue } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { loadConfig } from "./config.ts";
import { startHeartbeat } from "./heartbeat.ts";

const config = loadConfig();
const log = createLogger({ process: "runtime-host", level: config.LOG_LEVEL });
const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const control = new Queue(QUEUES.control, { connection: redis, prefix: QUEUE_PREFIX });

const stopHeartbeat = startHeartbeat({
  docker,
  control,
  hostId: config.BERTH_HOST_ID,
  address: config.BERTH_HOST_ADDRESS,
  intervalMs: config.BERTH_HEARTBEAT_MS,
  log: log.child({ component: "heartbeat" }),
});
log.info({ hostId: config.BERTH_HOST_ID, docker: config.DOCKER_SOCKET }, "runtime-host started");

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  stopHeartbeat();
  await control.close();
  redis.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
