// Every change of a deployment's status goes through here: the row, then the app's and the team's socket rooms.
import type { DeploymentState } from "@berth/core/apps";
import type { Db } from "@berth/db";
import { publishDeployment } from "@berth/db/app-events";
import type { Redis } from "ioredis";

const FINISHED = new Set<DeploymentState>(["live", "failed", "cancelled", "superseded"]);

export async function setDeploymentStatus(
  deps: { db: Db; publisher: Redis },
  deployment: { id: string; appId: string },
  status: DeploymentState,
  extra: { reason?: string | null; releaseId?: string } = {},
): Promise<void> {
  await deps.db.deployment.update({
    where: { id: deployment.id },
    data: {
      status,
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.releaseId ? { releaseId: extra.releaseId } : {}),
      ...(FINISHED.has(status) ? { finishedAt: new Date() } : {}),
    },
  });
  await publishDeployment(deps, { appId: deployment.appId }, { id: deployment.id, status, reason: extra.reason ?? null });
}
