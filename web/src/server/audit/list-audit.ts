// Audit events newest first: one team's, or (teamId undefined) the whole instance's.
import type { auditEvent } from "@berth/core";
import type { Db } from "@berth/db";
import type { z } from "zod";

export async function listAudit(db: Db, opts: { teamId?: string; limit: number; before?: string }): Promise<z.infer<typeof auditEvent>[]> {
  const rows = await db.auditEvent.findMany({
    where: { ...(opts.teamId ? { teamId: opts.teamId } : {}), ...(opts.before ? { createdAt: { lt: new Date(opts.before) } } : {}) },
    orderBy: { createdAt: "desc" },
    take: opts.limit,
    include: { actor: { select: { email: true } }, team: { select: { slug: true } } },
  });
  return rows.map((r) => ({
    id: r.id,
    teamSlug: r.team?.slug ?? null,
    actor: r.actor?.email ?? null,
    action: r.action,
    target: r.target,
    ipAddress: r.ipAddress,
    data: r.data ?? undefined,
    createdAt: r.createdAt.toISOString(),
  }));
}
