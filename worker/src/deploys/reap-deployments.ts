// No deployment stays "running" after the process running it died. Each worker refreshes
// workerAliveKey(ownerId) every 5 s (TTL 15 s) and each running deployment's heartbeatAt every
// 5 s; the `deploy.reap` job (every 10 s, any worker) fails a running deployment whose owner key
// expired or whose heartbeat is 30 s old, removes the replicas it had started (unless the proxy
// already sends traffic to them: then it did go live), and re-queues queued deployments whose job
// was lost.

import { deployLog } from "@berth/control/deployments/deploy-log";
import { setDeploymentStatus } from "@berth/control/deployments/set-deployment-status";
import { removeContainers } from "@berth/control/replicas/remove-containers";
import { QUEUE_PREFIX, QUEUES } from "@berth/core";
import { isRunning, RUNNING_STATES, workerAliveKey } from "@berth/core/apps";
import { ROUTES_KEY } from "@berth/core/routes";
import { Queue } from "bullmq";
import type { JobContext } from "../jobs/context.ts";

const HEARTBEAT_STALE_MS = 30_000;
const LOST_JOB_MS = 30_000;

export async function deployReap(_payload: unknown, ctx: JobContext): Promise<void> {
  // A worker's claim sets the owner with the running state: a running row without one was not
  // started by a worker (tests drive builds directly) and is not the reaper's.
  const running = await ctx.db.deployment.findMany({
    where: { status: { in: [...RUNNING_STATES] }, ownerId: { not: null } },
    select: { id: true, ownerId: true, heartbeatAt: true },
  });
  for (const d of running) {
    const ownerAlive = d.ownerId ? (await ctx.redis.exists(workerAliveKey(d.ownerId))) === 1 : false;
    const fresh = d.heartbeatAt !== null && Date.now() - d.heartbeatAt.getTime() < HEARTBEAT_STALE_MS;
    if (!ownerAlive || !fresh) await failOrphan(ctx, d.id);
  }
  // Queued deployments whose job vanished (Redis lost it, or enqueueing failed half-way).
  const queued = await ctx.db.deployment.findMany({ where: { status: "queued", createdAt: { lt: new Date(Date.now() - LOST_JOB_MS) } }, select: { id: true } });
  if (queued.length > 0) {
    const q = new Queue(QUEUES.deploys, { connection: ctx.redis, prefix: QUEUE_PREFIX });
    try {
      for (const d of queued) {
        const job = await q.getJob(d.id);
        if (!job || (await job.isFailed()) || (await job.isCompleted())) {
          if (job) await job.remove().catch(() => undefined);
          ctx.log.warn({ deploymentId: d.id }, "re-queueing a deployment whose job was lost");
          await ctx.enqueue("deployRun", { version: 1, deploymentId: d.id }, { jobId: d.id });
        }
      }
    } finally {
      await q.close();
    }
  }
}

/** Ends a deployment whose worker is gone. */
export async function failOrphan(ctx: JobContext, deploymentId: string): Promise<void> {
  const d = await ctx.db.deployment.findUnique({ where: { id: deploymentId }, include: { app: true } });
  if (!d || !isRunning(d.status)) return;
  const marker = `-${d.id.slice(0, 6)}-`;
  const mine = await ctx.db.container.findMany({ where: { appId: d.appId, name: { contains: marker } } });
  // Did the switch already happen? Then the new replicas serve, and the deployment went live.
  const served = new Set<number>();
  for (const raw of Object.values(await ctx.redis.hgetall(ROUTES_KEY))) {
    try {
      const entry = JSON.parse(raw) as { appId: string; upstreams: { port: number }[] };
      if (entry.appId === d.appId) for (const u of entry.upstreams) served.add(u.port);
    } catch {}
  }
  const log = deployLog(ctx.redis, d.appId, d.id);
  if (mine.some((c) => c.hostPort !== null && served.has(c.hostPort)) && d.releaseId) {
    await log.write("The worker running this deployment stopped after the switch: the new release is live");
    await setDeploymentStatus(ctx, d, "live", { reason: null });
    return;
  }
  const since = d.heartbeatAt ? `${Math.round((Date.now() - d.heartbeatAt.getTime()) / 1000)} s ago` : "never";
  const reason = `the worker running this deployment stopped (last heartbeat ${since}); nothing was switched, the previous release keeps serving`;
  await log.write(`Failed: ${reason}`);
  await setDeploymentStatus(ctx, d, "failed", { reason });
  if (d.buildId) {
    await ctx.db.build.updateMany({
      where: { id: d.buildId, status: { in: ["queued", "running"] } },
      data: { status: "failed", error: "the worker running the build stopped", finishedAt: new Date() },
    });
  }
  const problems = await removeContainers(ctx, mine, { graceful: false });
  for (const p of problems) ctx.log.warn({ deploymentId: d.id, problem: p }, "could not remove a replica of a failed deployment");
  ctx.log.warn({ deploymentId: d.id, ownerId: d.ownerId }, "reaped a deployment whose worker stopped");
}
