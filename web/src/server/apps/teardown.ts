// What an app.teardown job needs once the app's rows are gone: its host names (custom domains
// and the default address) and its containers by host. Collected before the delete.
import { cancelRunning as cancel } from "@berth/control/deployments/cancel-deployment";
import { appHostnames } from "@berth/control/routing/app-hostnames";
import { JOBS, type JobPayload, RUNNING_STATES } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import type { Enqueue } from "./app-deps.ts";

export async function teardownPayload(
  db: Db,
  app: { id: string; name: string; teamId?: string },
  teamSlug: string,
  domain: string,
): Promise<JobPayload<"appTeardown">> {
  const [hostnames, containers] = await Promise.all([
    appHostnames(db, { id: app.id, name: app.name, teamSlug }, domain),
    db.container.findMany({ where: { appId: app.id }, select: { id: true, hostId: true, name: true }, take: 1000 }),
  ]);
  return {
    version: 1,
    appId: app.id,
    ...(app.teamId ? { teamId: app.teamId } : {}),
    hostnames: hostnames.slice(0, 100),
    containers,
  };
}

/** Asks the workers running the app's deployments to stop them (the rows go with the app). */
export async function cancelRunning(db: Db, redis: Redis, appId: string): Promise<void> {
  const running = await db.deployment.findMany({ where: { appId, status: { in: [...RUNNING_STATES] } }, select: { id: true } });
  await cancel(
    { publisher: redis },
    running.map((d) => d.id),
  );
}

export const enqueueTeardown = (enqueue: Enqueue, payload: JobPayload<"appTeardown">) =>
  // One teardown per app: a repeated delete collapses onto the same job.
  enqueue(JOBS.appTeardown, payload, { jobId: `teardown-${payload.appId}` });
