// worker: BullMQ processors for the control plane: host registry and inventories, registry
// notifications, webhooks, builds (through this host's Docker Engine) and deployments.
import { randomUUID } from "node:crypto";
import { createHostCaller } from "@berth/control/hosts/call-host";
import { sealRepositoryCredentials } from "@berth/control/repository/seal-repository-credentials";
import { JOBS, QUEUE_PREFIX, QUEUES, WORKER_ALIVE_TTL_S, workerAliveKey } from "@berth/core";
import { createLogger } from "@berth/core/logger";
import { createRegistryClient } from "@berth/core/registry/registry-client";
import { lazyTokenKeys } from "@berth/core/registry/token-keys";
import { createDb } from "@berth/db";
import { Queue, Worker } from "bullmq";
import Docker from "dockerode";
import { Redis } from "ioredis";
import { loadConfig } from "./config.ts";
import type { JobContext } from "./jobs/context.ts";
import { dispatch } from "./jobs/dispatch.ts";
import { startLogArchiver } from "./logs/log-archiver.ts";
import { superviseRegistryCaches } from "./registry-caches/supervise-caches.ts";

const config = loadConfig();
const log = createLogger({ process: "worker", level: config.LOG_LEVEL });
const db = createDb(config.DATABASE_URL);
const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const publisher = new Redis(config.REDIS_URL);
const tokenKeys = lazyTokenKeys(config.BERTH_REGISTRY_TOKEN_KEY, config.BERTH_REGISTRY_TOKEN_CERT);
const registry = createRegistryClient({ baseUrl: `http://127.0.0.1:${config.BERTH_REGISTRY_PORT}`, service: config.BERTH_REGISTRY_SERVICE, keys: tokenKeys });
const docker = new Docker({ socketPath: config.DOCKER_SOCKET });
const hosts = createHostCaller(connection);
// This process's identity: deployments it runs carry it; the key proves it is alive.
const ownerId = randomUUID();
const beAlive = () => publisher.set(workerAliveKey(ownerId), "1", "EX", WORKER_ALIVE_TTL_S).catch(() => undefined);
await beAlive();
const aliveTimer = setInterval(beAlive, 5_000);

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

const concurrency: Record<string, number> = {
  [QUEUES.control]: config.BERTH_WORKER_CONCURRENCY,
  [QUEUES.registry]: config.BERTH_WORKER_CONCURRENCY,
  [QUEUES.webhooks]: config.BERTH_WORKER_CONCURRENCY,
  // Builds are heavy: a cap per engine. Deploys mostly wait on hosts: more at once.
  [QUEUES.builds]: config.BERTH_BUILD_CONCURRENCY,
  [QUEUES.deploys]: config.BERTH_DEPLOY_CONCURRENCY,
};
const queues = Object.keys(concurrency);
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
        config,
        docker,
        tokenKeys,
        hosts,
        ownerId,
        log: jobLog.child({ job: job.name, jobId: job.id }),
      }),
    {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: concurrency[queue] ?? 1,
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
const deploysQueue = new Queue(QUEUES.deploys, { connection, prefix: QUEUE_PREFIX });
await deploysQueue.upsertJobScheduler(
  "deploy-reap",
  { every: 10_000 },
  { name: JOBS.deployReap.name, data: { version: 1 }, opts: { removeOnComplete: 10, removeOnFail: 100 } },
);
await deploysQueue.upsertJobScheduler(
  "routes-sync",
  { every: 60_000, immediately: true },
  { name: JOBS.routesSync.name, data: { version: 1 }, opts: { removeOnComplete: 10, removeOnFail: 100 } },
);
const logArchiver = startLogArchiver({
  db,
  redis: publisher,
  log: log.child({ component: "log-archiver" }),
  ownerId,
  intervalMs: config.BERTH_LOG_ARCHIVE_MS,
  retentionDays: config.BERTH_LOG_RETENTION_DAYS,
});
const registryCaches = superviseRegistryCaches({
  db,
  log: log.child({ component: "registry-caches" }),
  cacheDir: config.BERTH_REGISTRY_CACHE_DIR,
  runDir: config.BERTH_RUN_DIR,
  bin: config.BERTH_REGISTRY_BIN,
  path: config.PATH,
  publicUrl: config.BERTH_PUBLIC_URL,
  pollMs: config.BERTH_REGISTRY_CACHE_POLL_MS,
});
// Repository credentials stored before they were sealed at rest (the migration cannot seal: no key in the database).
const sealed = await sealRepositoryCredentials(db, config.BERTH_ENCRYPTION_KEY);
if (sealed > 0) log.info({ apps: sealed }, "sealed repository credentials stored in the clear");
log.info({ queues, ownerId }, "worker started");

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  clearInterval(aliveTimer);
  await logArchiver.stop();
  await registryCaches.stop();
  await Promise.all(workers.map((w) => w.close()));
  await publisher.del(workerAliveKey(ownerId)).catch(() => undefined);
  await hosts.close();
  await registryQueue.close();
  await deploysQueue.close();
  await Promise.all([...producers.values()].map((q) => q.close()));
  await db.$disconnect();
  connection.disconnect();
  publisher.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
