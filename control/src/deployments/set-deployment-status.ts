// Every change of a deployment's status goes through here: the row, then the news of it
// (announceDeployment), so pages, followers and the CLI all learn of it the same way.
import type { DeploymentState } from "@berth/core/apps";
import { isFinished } from "@berth/core/apps";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { publishDeployment } from "../events/app-events.ts";

export type StatusDeps = { db: Db; publisher: Redis };
export type DeploymentRef = { id: string; appId: string; teamId?: string | null };

export async function setDeploymentStatus(
  deps: StatusDeps,
  deployment: DeploymentRef,
  status: DeploymentState,
  extra: { reason?: string | null; releaseId?: string } = {},
): Promise<void> {
  await deps.db.deployment.update({
    where: { id: deployment.id },
    data: {
      status,
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.releaseId ? { releaseId: extra.releaseId } : {}),
      ...(isFinished(status) ? { finishedAt: new Date() } : {}),
    },
  });
  await announceDeployment(deps, deployment, status, extra.reason ?? null);
}

/**
 * Tells everyone who watches that a deployment's status changed, after the row was written (also
 * for rows changed in bulk inside a transaction: call it once each after the commit).
 */
export async function announceDeployment(deps: StatusDeps, deployment: DeploymentRef, status: DeploymentState, reason: string | null): Promise<void> {
  await publishDeployment(deps, { appId: deployment.appId, teamId: deployment.teamId }, { id: deployment.id, status, reason });
}
