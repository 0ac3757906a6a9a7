import { AppError, type Role } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";
import { teamView } from "../teams/team-view.ts";
import { hashSecret } from "../tokens/token-secret.ts";

export async function acceptInvitation(db: Db, caller: Caller, token: string) {
  const inv = await db.invitation.findUnique({ where: { tokenHash: hashSecret(token) }, include: { team: true } });
  // One message for unknown, used and expired links: a link is either good or not.
  if (!inv || inv.acceptedAt || inv.expiresAt <= new Date()) throw new AppError("NOT_FOUND", "this invitation is invalid, used or expired");
  if (inv.email && inv.email !== caller.user.email.toLowerCase()) throw new AppError("FORBIDDEN", "this invitation was sent to another email address");
  const existing = await db.membership.findUnique({ where: { teamId_userId: { teamId: inv.teamId, userId: caller.user.id } } });
  if (existing) throw new AppError("CONFLICT", `you are already a member of ${inv.team.slug}`);

  await db.$transaction(async (tx) => {
    // Claim the invitation atomically so a link cannot be used twice concurrently.
    const claimed = await tx.invitation.updateMany({ where: { id: inv.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (claimed.count === 0) throw new AppError("NOT_FOUND", "this invitation is invalid, used or expired");
    await tx.membership.create({ data: { teamId: inv.teamId, userId: caller.user.id, role: inv.role } });
  });
  await recordAudit(db, {
    action: "invitation.accepted",
    actorId: caller.user.id,
    teamId: inv.teamId,
    target: caller.user.email,
    ipAddress: caller.ip,
    data: { role: inv.role },
  });
  return teamView(inv.team, inv.role as Role);
}
