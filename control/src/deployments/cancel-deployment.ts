// Cancelling: a queued deployment is marked cancelled under the app's deploy lock (the worker
// claims under the same lock, so it either sees "cancelled" or has already started); a running
// one is asked to stop through a Redis key its worker watches; a finished one cannot be.
import { AppError, type DeploymentState, deployCancelKey, isFinished } from "@berth/core";
import { withDeployLock } from "./deploy-lock.ts";
import { announceDeployment, type DeploymentRef, type StatusDeps } from "./set-deployment-status.ts";

/** Asks a deployment to stop; answers the status it had. `dequeue` withdraws its queued job (best effort). */
export async function cancelDeployment(
  deps: StatusDeps & { dequeue: (deploymentId: string) => Promise<unknown> },
  deployment: DeploymentRef,
  by: string,
): Promise<{ was: DeploymentState }> {
  const reason = `cancelled by ${by}`;
  const was = await withDeployLock(deps.db, deployment.appId, async (tx) => {
    const now = await tx.deployment.findUniqueOrThrow({ where: { id: deployment.id }, select: { status: true } });
    if (now.status === "queued") await tx.deployment.update({ where: { id: deployment.id }, data: { status: "cancelled", reason, finishedAt: new Date() } });
    return now.status as DeploymentState;
  });
  if (isFinished(was)) throw new AppError("CONFLICT", `deployment ${deployment.id} is already ${was}`);
  if (was === "queued") {
    // The worker skips a cancelled deployment anyway if it already took the job.
    await deps.dequeue(deployment.id);
    await announceDeployment(deps, deployment, "cancelled", reason).catch(() => {});
  } else {
    await cancelRunning(deps, [deployment.id]);
  }
  return { was };
}

/** Asks the workers running these deployments to stop them (they end as cancelled). */
export async function cancelRunning(deps: Pick<StatusDeps, "publisher">, deploymentIds: readonly string[]): Promise<void> {
  for (const id of deploymentIds) await deps.publisher.set(deployCancelKey(id), "1", "EX", 3600);
}
