// Appends one audit event. Never pass secrets in `data`.
import type { Db } from "@berth/db";

export type AuditInput = {
  action: string;
  actorId: string | null;
  teamId?: string | null;
  target?: string | null;
  ipAddress?: string | null;
  data?: Record<string, unknown>;
};

export async function recordAudit(db: Pick<Db, "auditEvent">, e: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      action: e.action,
      actorId: e.actorId,
      teamId: e.teamId ?? null,
      target: e.target ?? null,
      ipAddress: e.ipAddress ?? null,
      data: (e.data ?? undefined) as never,
    },
  });
}
