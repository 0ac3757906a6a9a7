// Creating a deployment, for web (deploy, rollback, config change) and worker (drain, restore).
// Under the app's deploy lock: queued deployments of the app are superseded by the new one,
// so at most one is ever queued per app; the job id is the deployment id, so a retry collapses.
import type { DeploymentKind } from "@berth/core/apps";
import type { Deployment } from "@berth/db";
import { withDeployLock } from "./deploy-lock.ts";
import { announceDeployment, type StatusDeps } from "./set-deployment-status.ts";

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

const SUPERSEDED = "superseded by a newer deployment";

export async function startDeployment(
  deps: StatusDeps,
  enqueue: (deploymentId: string) => Promise<void>,
  input: NewDeployment,
): Promise<{ deployment: Deployment; superseded: string[] }> {
  const { db } = deps;
  const { deployment, superseded } = await withDeployLock(db, input.appId, async (tx) => {
    const queued = await tx.deployment.findMany({ where: { appId: input.appId, status: "queued" }, select: { id: true } });
    if (queued.length > 0) {
      await tx.deployment.updateMany({
        where: { id: { in: queued.map((d) => d.id) } },
        data: { status: "superseded", reason: SUPERSEDED, finishedAt: new Date() },
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
    const reason = `could not queue the deployment: ${(err as Error).message}`;
    await db.deployment.update({ where: { id: deployment.id }, data: { status: "failed", reason, finishedAt: new Date() } });
    await announceDeployment(deps, deployment, "failed", reason).catch(() => {});
    throw err;
  }
  for (const id of superseded) await announceDeployment(deps, { id, appId: input.appId }, "superseded", SUPERSEDED).catch(() => {});
  await announceDeployment(deps, deployment, "queued", null).catch(() => {});
  return { deployment, superseded };
}
