import { JOBS, ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { recordAudit } from "@/server/audit/record-audit";
import { ctx } from "@/server/context";
import { queue } from "@/server/queues";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.startRegistryGc, async ({ caller }) => {
  const job = await queue(JOBS.registryGc.queue).add(JOBS.registryGc.name, JOBS.registryGc.schema.parse({ version: 1 }), {
    removeOnComplete: 100,
    removeOnFail: 100,
  });
  await recordAudit(ctx().db, { action: "registry.gc_started", actorId: caller.user.id, ipAddress: caller.ip });
  return { jobId: String(job.id) };
});
