import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";

export async function revokeInvitation(db: Db, caller: Caller, team: TeamContext, id: string): Promise<void> {
  const { count } = await db.invitation.deleteMany({ where: { id, teamId: team.id, acceptedAt: null } });
  if (count === 0) throw new AppError("NOT_FOUND", "no such open invitation");
  await recordAudit(db, { action: "invitation.revoked", actorId: caller.user.id, teamId: team.id, target: id, ipAddress: caller.ip });
}
