// Every change of a deployment's status goes through here: the row, then the app's socket room.
import type { DeploymentState } from "@berth/core/apps";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import type { Db } from "@berth/db";
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
  const message: BusMessage = {
    type: "deployment.updated",
    room: ROOMS.app(deployment.appId),
    payload: { version: 1, appId: deployment.appId, deploymentId: deployment.id, status, reason: extra.reason ?? null },
  };
  await deps.publisher.publish(EVENTS_CHANNEL, JSON.stringify(message));
}
