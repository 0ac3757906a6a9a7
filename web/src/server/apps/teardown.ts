// What an app.teardown job needs once the app's rows are gone: its host names (custom domains
// and the default address) and its containers by host. Collected before the delete.
import { deployCancelKey, JOBS, type JobPayload } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { defaultHostname } from "./app-address.ts";
import type { Enqueue } from "./app-deps.ts";

export async function teardownPayload(
  db: Db,
  app: { id: string; name: string; teamId?: string },
  teamSlug: string,
  domain: string,
): Promise<JobPayload<"appTeardown">> {
  const [domains, containers] = await Promise.all([
    db.domain.findMany({ where: { appId: app.id }, select: { hostname: true } }),
    db.container.findMany({ where: { appId: app.id }, select: { id: true, hostId: true, name: true }, take: 1000 }),
  ]);
  return {
    version: 1,
    appId: app.id,
    ...(app.teamId ? { teamId: app.teamId } : {}),
    hostnames: [defaultHostname(app.name, teamSlug, domain), ...domains.map((d) => d.hostname)].slice(0, 100),
    containers,
  };
}

/** Asks the workers running the app's deployments to stop them (the rows go with the app). */
export async function cancelRunning(db: Db, redis: Redis, appId: string): Promise<void> {
  const running = await db.deployment.findMany({
    where: { appId, status: { in: ["building", "pushing", "starting", "health_checking"] } },
    select: { id: true },
  });
  for (const d of running) await redis.set(deployCancelKey(d.id), "1", "EX", 3600);
}

export const enqueueTeardown = (enqueue: Enqueue, payload: JobPayload<"appTeardown">) =>
  // One teardown per app: a repeated delete collapses onto the same job.
  enqueue(JOBS.appTeardown, payload, { jobId: `teardown-${payload.appId}` });
