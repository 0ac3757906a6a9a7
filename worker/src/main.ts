// worker: BullMQ processors for the control plane (host registry now; builds and deploys next).
import { QUEUE_PREFIX, QUEUES } from "@berth/core";
import { createLogger } from "@berth/core/logger";
import { createDb } from "@berth/db";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { loadConfig } from "./config.ts";
import { dispatch } from "./jobs/dispatch.ts";

const config = loadConfig();
const log = createLogger({ process: "worker", level: config.LOG_LEVEL });
const db = createDb(config.DATABASE_URL);
const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const publisher = new Redis(config.REDIS_URL);

const workers = [QUEUES.control].map((queue) => {
  const jobLog = log.child({ component: "jobs", queue });
  const w = new Worker(queue, (job) => dispatch(job, { db, publisher, log: jobLog.child({ job: job.name, jobId: job.id }) }), {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: config.BERTH_WORKER_CONCURRENCY,
  });
  w.on("failed", (job, err) => jobLog.error({ job: job?.name, jobId: job?.id, err: err.message }, "job failed"));
  w.on("error", (err) => jobLog.error({ err }, "worker error"));
  return w;
});
log.info({ queues: [QUEUES.control] }, "worker started");

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  await Promise.all(workers.map((w) => w.close()));
  await db.$disconnect();
  connection.disconnect();
  publisher.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
