// runtime-host: the agent on each Linux host. Drives the local Docker Engine and reports to
// the control plane through Redis queues.
import { hostQueue, QUEUE_PREFIX, QUEUES } from "@berth/core";
import { createLogger } from "@berth/core/logger";
import { Queue, Worker } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { loadConfig } from "./config.ts";
import { createEngineLock } from "./containers/engine-lock.ts";
import { watchContainerEvents } from "./events/watch-container-events.ts";
import { startAppFence } from "./firewall/app-fence.ts";
import { startHeartbeat } from "./heartbeat.ts";
import { loadHostKey } from "./host-key.ts";
import { startInventory } from "./inventory.ts";
import { dispatchHostJob } from "./jobs/dispatch.ts";
import { startLogPipeline } from "./logs/start-log-pipeline.ts";
import { watchContainers } from "./logs/watch-containers.ts";
import { startMetrics } from "./metrics/start-metrics.ts";
import { serveTerminals } from "./terminal/serve-terminals.ts";

const config = loadConfig();
const log = createLogger({ process: "runtime-host", level: config.LOG_LEVEL });
const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const control = new Queue(QUEUES.control, { connection: redis, prefix: QUEUE_PREFIX });
const hostKey = await loadHostKey(config.hostKeyFile);
// Before any job can start a container: app containers are tenants' code.
const fence = await startAppFence({ docker, allow: config.BERTH_APP_EGRESS_ALLOW, log: log.child({ component: "firewall" }) });
// Team networks are made and healed one at a time per engine, across every agent that drives it.
const engineLock = createEngineLock({ redis, docker });

let stopInventory = () => {};
const stopHeartbeat = startHeartbeat({
  docker,
  control,
  hostId: config.BERTH_HOST_ID,
  address: config.BERTH_HOST_ADDRESS,
  sealKey: hostKey.publicKey,
  intervalMs: config.BERTH_HEARTBEAT_MS,
  log: log.child({ component: "heartbeat" }),
  // The first inventory follows the first heartbeat, so the worker knows the host it comes from.
  onFirstBeat: () => {
    if (config.BERTH_INVENTORY_MS === 0) return;
    stopInventory = startInventory({
      docker,
      control,
      hostId: config.BERTH_HOST_ID,
      intervalMs: config.BERTH_INVENTORY_MS,
      networks: { fence, engineLock },
      log: log.child({ component: "inventory" }),
    });
  },
});
// This host's own work queue: container jobs addressed to it by the worker. Probes and one-offs
// run for minutes; BullMQ renews a job's lock every lockDuration / 2 while its processor runs
// (the processors only await I/O), so long jobs keep their lock and never block the others.
const jobsLog = log.child({ component: "jobs", queue: hostQueue(config.BERTH_HOST_ID) });
const worker = new Worker(
  hostQueue(config.BERTH_HOST_ID),
  (job) =>
    dispatchHostJob(job, {
      docker,
      hostId: config.BERTH_HOST_ID,
      privateKeyPem: hostKey.privateKeyPem,
      publishAddress: config.BERTH_HOST_ADDRESS,
      fence,
      engineLock,
    }),
  {
    connection: new Redis(config.REDIS_URL, { maxRetriesPerRequest: null }),
    prefix: QUEUE_PREFIX,
    concurrency: 8,
    lockDuration: 60_000,
  },
);
worker.on("failed", (job, err) => jobsLog.error({ job: job?.name, jobId: job?.id, err: err.message }, "host job failed"));
worker.on("stalled", (jobId) => jobsLog.warn({ jobId }, "host job stalled (lock lost); it will run again"));
worker.on("error", (err) => jobsLog.error({ err }, "worker error"));
serveTerminals({ docker, redis, hostId: config.BERTH_HOST_ID, log: log.child({ component: "terminal" }) });
// Live logs and metrics of the app containers: their own connection, so a burst of log writes
// never queues behind (or ahead of) BullMQ's commands.
const telemetryRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const logs = startLogPipeline({ docker, redis: telemetryRedis, hostId: config.BERTH_HOST_ID, log: log.child({ component: "logs" }) });
const metrics = startMetrics({ docker, redis: telemetryRedis, log: log.child({ component: "metrics" }) });
const watcher = watchContainers({ docker, hostId: config.BERTH_HOST_ID, log: log.child({ component: "watch" }), handlers: [logs, metrics] });
// Crashes, OOM kills and restarts of this host's containers, reported to the control plane.
const stopContainerEvents = watchContainerEvents({ docker, control, hostId: config.BERTH_HOST_ID, log: log.child({ component: "container-events" }) });
log.info({ hostId: config.BERTH_HOST_ID, docker: config.DOCKER_SOCKET }, "runtime-host started");

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  stopHeartbeat();
  stopInventory();
  fence.stop();
  watcher.stop();
  stopContainerEvents();
  await Promise.all([logs.close(), metrics.close()]);
  telemetryRedis.disconnect();
  await worker.close();
  await control.close();
  redis.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
