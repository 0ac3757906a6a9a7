// Every change of a deployment's status goes through here: the row, then the news of it
// (announceDeployment), so pages, followers and the CLI all learn of it the same way. A finished
// run also ends the deployment's log stream with its outcome, which followers wait for.
import type { DeploymentState } from "@berth/core/apps";
import { DEPLOYMENT_OUTCOMES, type DeploymentOutcome, isFinished } from "@berth/core/apps";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { publishDeployment } from "../events/app-events.ts";
import { withDeployLock } from "./deploy-lock.ts";
import { appendDeploymentEnd } from "./deploy-log.ts";

export type StatusDeps = { db: Db; publisher: Redis };
export type DeploymentRef = { id: string; appId: string; teamId?: string | null };

export async function setDeploymentStatus(
  deps: StatusDeps,
  deployment: DeploymentRef,
  status: DeploymentState,
  extra: { reason?: string | null; releaseId?: string } = {},
): Promise<void> {
  const data = {
    status,
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.releaseId ? { releaseId: extra.releaseId } : {}),
    ...(isFinished(status) ? { finishedAt: new Date() } : {}),
  };
  let replaced: string[] = [];
  if (status === "live") {
    // Only the serving deployment says live: the app's earlier live ones become replaced, in the
    // same transaction, under the lock every other writer of the app's deployments takes.
    replaced = await withDeployLock(deps.db, deployment.appId, async (tx) => {
      await tx.deployment.update({ where: { id: deployment.id }, data });
      const earlier = await tx.deployment.findMany({ where: { appId: deployment.appId, status: "live", id: { not: deployment.id } }, select: { id: true } });
      const ids = earlier.map((d) => d.id);
      if (ids.length > 0) await tx.deployment.updateMany({ where: { id: { in: ids } }, data: { status: "replaced", reason: replacedBy(deployment.id) } });
      return ids;
    });
  } else {
    await deps.db.deployment.update({ where: { id: deployment.id }, data });
  }
  for (const id of replaced) await announceDeployment(deps, { id, appId: deployment.appId, teamId: deployment.teamId }, "replaced", replacedBy(deployment.id));
  await announceDeployment(deps, deployment, status, extra.reason ?? null);
}

const replacedBy = (deploymentId: string) => `replaced by deployment ${deploymentId.slice(0, 8)}`;

const isOutcome = (s: DeploymentState): s is DeploymentOutcome => (DEPLOYMENT_OUTCOMES as readonly string[]).includes(s);

/**
 * Tells everyone who watches that a deployment's status changed, after the row was written (also
 * for rows changed in bulk inside a transaction: call it once each after the commit). When its run
 * ended (live, failed, cancelled, superseded), its log stream gets the final entry with the outcome.
 */
export async function announceDeployment(deps: StatusDeps, deployment: DeploymentRef, status: DeploymentState, reason: string | null): Promise<void> {
  if (isOutcome(status)) {
    const releaseVersion =
      status === "live"
        ? ((await deps.db.deployment.findUnique({ where: { id: deployment.id }, select: { release: { select: { version: true } } } }))?.release?.version ??
          null)
        : null;
    await appendDeploymentEnd(deps.publisher, deployment.id, { status, reason, releaseVersion });
  }
  await publishDeployment(deps, { appId: deployment.appId, teamId: deployment.teamId }, { id: deployment.id, status, reason });
}
