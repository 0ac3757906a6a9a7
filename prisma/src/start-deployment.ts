// Creating a deployment, for web (deploy, rollback, config change) and worker (drain, restore).
// Under the app's advisory lock: queued deployments of the app are superseded by the new one,
// so at most one is ever queued per app; the job id is the deployment id, so a retry collapses.
import type { DeploymentKind } from "@berth/core/apps";
import type { Redis } from "ioredis";
import { publishDeployment } from "./app-events.ts";
import type { Db, Deployment } from "./index.ts";

export type NewDeployment = {
  appId: string;
  kind: DeploymentKind;
  /** rollback / config: the release to deploy (already created). */
  releaseId?: string;
  /** image: the reference to deploy. */
  imageRef?: string;
  /** build: the build that produces the image. */
  buildId?: string;
  createdBy?: string | null;
};

/** The advisory-lock key of an app's deployments (the worker's claim takes the same lock). */
export const deployLockSql = (appId: string) => `deploy:${appId}`;

export async function startDeployment(
  db: Db,
  enqueue: (deploymentId: string) => Promise<void>,
  input: NewDeployment,
  /** Announces the new and the superseded deployments to open pages. */
  publisher: Redis,
): Promise<{ deployment: Deployment; superseded: string[] }> {
  const { deployment, superseded } = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${deployLockSql(input.appId)}))`;
    const queued = await tx.deployment.findMany({ where: { appId: input.appId, status: "queued" }, select: { id: true } });
    if (queued.length > 0) {
      await tx.deployment.updateMany({
        where: { id: { in: queued.map((d) => d.id) } },
        data: { status: "superseded", reason: "superseded by a newer deployment", finishedAt: new Date() },
      });
    }
    const deployment = await tx.deployment.create({
      data: {
        appId: input.appId,
        kind: input.kind,
        releaseId: input.releaseId ?? null,
        imageRef: input.imageRef ?? null,
        buildId: input.buildId ?? null,
        createdBy: input.createdBy ?? null,
      },
    });
    return { deployment, superseded: queued.map((d) => d.id) };
  });
  try {
    await enqueue(deployment.id);
  } catch (err) {
    await db.deployment.update({
      where: { id: deployment.id },
      data: { status: "failed", reason: `could not queue the deployment: ${(err as Error).message}`, finishedAt: new Date() },
    });
    throw err;
  }
  const events = { db, publisher };
  const ref = { appId: input.appId };
  for (const id of superseded) await publishDeployment(events, ref, { id, status: "superseded", reason: "superseded by a newer deployment" }).catch(() => {});
  await publishDeployment(events, ref, { id: deployment.id, status: "queued" }).catch(() => {});
  return { deployment, superseded };
}
