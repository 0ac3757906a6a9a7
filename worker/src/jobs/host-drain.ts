// A host was set to draining: every app with replicas on it is deployed again with its serving
// release. Placement skips draining hosts, so the new replicas land elsewhere, and the roll-out
// retires the old ones (zero downtime, like any deploy).

import { startDeployment } from "@berth/control/deployments/start-deployment";
import type { JobPayload } from "@berth/core";
import type { JobContext } from "./context.ts";

export async function hostDrain(payload: JobPayload<"hostDrain">, ctx: JobContext): Promise<void> {
  const host = await ctx.db.host.findUnique({ where: { id: payload.hostId } });
  if (!host?.draining) return;
  const appIds = [
    ...new Set((await ctx.db.container.findMany({ where: { hostId: host.id, appId: { not: null } }, select: { appId: true } })).map((c) => c.appId as string)),
  ];
  for (const appId of appIds) {
    const serving = await ctx.db.deployment.findFirst({ where: { appId, status: "live" }, orderBy: { createdAt: "desc" } });
    if (!serving?.releaseId) continue;
    const { deployment } = await startDeployment(ctx, (id) => ctx.enqueue("deployRun", { version: 1, deploymentId: id }, { jobId: id }), {
      appId,
      kind: "config",
      releaseId: serving.releaseId,
      createdBy: null,
    });
    ctx.log.info({ hostId: host.id, appId, deploymentId: deployment.id }, "moving an app off a draining host");
  }
}
