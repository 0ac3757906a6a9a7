// worker: BullMQ processors for the control plane: host registry, registry notifications and
// reconciliation (builds and deploys next).
import { JOBS, QUEUE_PREFIX, QUEUES } from "@berth/core";
import { createLogger } from "@berth/core/logger";
import { createRegistryClient } from "@berth/core/registry/registry-client";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import { createDb } from "@berth/db";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { loadConfig } from "./config.ts";
import type { JobContext } from "./jobs/context.ts";
import { dispatch } from "./jobs/dispatch.ts";

const config = loadConfig();
const log = createLogger({ process: "worker", level: config.LOG_LEVEL });
const db = createDb(config.DATABASE_URL);
const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const publisher = new Redis(config.REDIS_URL);
const registry = createRegistryClient({
  baseUrl: `http://127.0.0.1:${config.BERTH_REGISTRY_PORT}`,
  service: config.BERTH_REGISTRY_SERVICE,
  keys: lazyTokenKeys(config.BERTH_REGISTRY_TOKEN_KEY, config.BERTH_REGISTRY_TOKEN_CERT),
});

const producers = new Map<string, Queue>();
const enqueue: JobContext["enqueue"] = async (key, payload, opts) => {
  const def = JOBS[key];
  let q = producers.get(def.queue);
  if (!q) {
    q = new Queue(def.queue, { connection, prefix: QUEUE_PREFIX });
    producers.set(def.queue, q);
  }
  await q.add(def.name, def.schema.parse(payload), { removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 }, ...opts });
};

const queues = [QUEUES.control, QUEUES.registry, QUEUES.webhooks];
const workers = queues.map((queue) => {
  const jobLog = log.child({ component: "jobs", queue });
  const w = new Worker(
    queue,
    (job) =>
      dispatch(job, {
        db,
        publisher,
        redis: publisher,
        registry,
        registryGc: { bin: config.BERTH_REGISTRY_BIN, config: config.BERTH_REGISTRY_CONFIG },
        enqueue,
        encryptionKey: config.BERTH_ENCRYPTION_KEY,
        log: jobLog.child({ job: job.name, jobId: job.id }),
      }),
    {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: config.BERTH_WORKER_CONCURRENCY,
    },
  );
  w.on("failed", (job, err) => jobLog.error({ job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, "job failed"));
  w.on("error", (err) => jobLog.error({ err }, "worker error"));
  return w;
});

// Reconcile now and on a schedule; the scheduler id makes this idempotent across restarts.
const registryQueue = new Queue(QUEUES.registry, { connection, prefix: QUEUE_PREFIX });
await registryQueue.upsertJobScheduler(
  "registry-reconcile",
  { every: config.BERTH_RECONCILE_MINUTES * 60_000, immediately: true },
  { name: JOBS.registryReconcile.name, data: { version: 1 }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
);
await registryQueue.upsertJobScheduler(
  "registry-gc",
  { every: config.BERTH_REGISTRY_GC_HOURS * 3_600_000 },
  { name: JOBS.registryGc.name, data: { version: 1 }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
);
log.info({ queues }, "worker started");

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  await Promise.all(workers.map((w) => w.close()));
  await registryQueue.close();
  await Promise.all([...producers.values()].map((q) => q.close()));
  await db.$disconnect();
  connection.disconnect();
  publisher.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
