// Takes a queued deployment for this worker. One app's deployments never overlap: under the
// app's deploy lock, a deployment waits while another of the same app is running, and gives
// way (superseded) when a newer one is queued behind it.
import { setTimeout as sleep } from "node:timers/promises";
import { isRunning, RUNNING_STATES } from "@berth/core/apps";
import type { Db } from "@berth/db";
import { withDeployLock } from "./deploy-lock.ts";

export type Claim =
  | { kind: "claimed" }
  | { kind: "skip"; why: string }
  | { kind: "superseded"; appId: string; reason: string }
  | { kind: "orphaned"; ownerId: string | null };

async function tryClaim(db: Db, deploymentId: string, ownerId: string): Promise<Claim | "busy"> {
  const d = await db.deployment.findUnique({ where: { id: deploymentId }, select: { appId: true } });
  if (!d) return { kind: "skip", why: "deployment deleted" };
  return withDeployLock(db, d.appId, async (tx) => {
    const row = await tx.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    if (row.status !== "queued") {
      // A re-run of a job whose worker died: the deployment is marked as running by a process
      // that is gone. The caller fails it now rather than waiting for the reaper.
      if (isRunning(row.status) && row.ownerId !== ownerId) return { kind: "orphaned", ownerId: row.ownerId } as const;
      return { kind: "skip", why: `already ${row.status}` } as const;
    }
    const newer = await tx.deployment.count({ where: { appId: row.appId, status: "queued", createdAt: { gt: row.createdAt } } });
    if (newer > 0) {
      const reason = "superseded by a newer deployment";
      await tx.deployment.update({ where: { id: row.id }, data: { status: "superseded", reason, finishedAt: new Date() } });
      return { kind: "superseded", appId: row.appId, reason } as const;
    }
    const running = await tx.deployment.count({ where: { appId: row.appId, status: { in: [...RUNNING_STATES] } } });
    if (running > 0) return "busy" as const;
    await tx.deployment.update({
      where: { id: row.id },
      data: { status: row.kind === "build" ? "building" : "starting", ownerId, startedAt: new Date(), heartbeatAt: new Date() },
    });
    return { kind: "claimed" } as const;
  });
}

/** Claims the deployment, waiting (bounded by `waitMs`) while another of the same app runs. */
export async function claimDeployment(db: Db, deploymentId: string, ownerId: string, waitMs: number): Promise<Claim> {
  const until = Date.now() + waitMs;
  for (;;) {
    const claim = await tryClaim(db, deploymentId, ownerId);
    if (claim !== "busy") return claim;
    if (Date.now() > until) return { kind: "skip", why: "another deployment of the app ran too long" };
    await sleep(500);
  }
}
