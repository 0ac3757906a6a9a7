import { AppError, type Role } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";
import { teamView } from "../teams/team-view.ts";
import { hashSecret } from "../tokens/token-secret.ts";

/**
 * An invitation bound to an email is for whoever reads that mailbox, where its link was sent.
 * Berth sends no mail and does not verify the address an account signs up with, so the address
 * alone proves nothing: an account that claimed it before the invitation existed (perhaps to
 * squat it) never showed it holds a link sent there. Such an account may accept only once its
 * email is verified; an account made after the invitation, through its link, may. Accepting one
 * marks the address verified.
 */
async function assertMayTakeEmailBound(db: Db, caller: Caller, inv: { email: string | null; createdAt: Date }): Promise<void> {
  if (inv.email !== caller.user.email.toLowerCase()) throw new AppError("FORBIDDEN", "this invitation was sent to another email address");
  const user = await db.user.findUnique({ where: { id: caller.user.id }, select: { emailVerified: true, createdAt: true } });
  if (!user) throw new AppError("UNAUTHENTICATED", "the account no longer exists");
  if (!user.emailVerified && user.createdAt < inv.createdAt)
    throw new AppError(
      "FORBIDDEN",
      `this invitation is bound to ${inv.email}, which this account has not verified (it was registered before the invitation was sent); ask the inviter for an invitation without an email`,
    );
}

export async function acceptInvitation(db: Db, caller: Caller, token: string) {
  const inv = await db.invitation.findUnique({ where: { tokenHash: hashSecret(token) }, include: { team: true } });
  // One message for unknown, used and expired links: a link is either good or not.
  if (!inv || inv.acceptedAt || inv.expiresAt <= new Date()) throw new AppError("NOT_FOUND", "this invitation is invalid, used or expired");
  if (inv.email) await assertMayTakeEmailBound(db, caller, inv);
  const existing = await db.membership.findUnique({ where: { teamId_userId: { teamId: inv.teamId, userId: caller.user.id } } });
  if (existing) throw new AppError("CONFLICT", `you are already a member of ${inv.team.slug}`);

  await db.$transaction(async (tx) => {
    // Claim the invitation atomically so a link cannot be used twice concurrently.
    const claimed = await tx.invitation.updateMany({ where: { id: inv.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (claimed.count === 0) throw new AppError("NOT_FOUND", "this invitation is invalid, used or expired");
    await tx.membership.create({ data: { teamId: inv.teamId, userId: caller.user.id, role: inv.role } });
    // The link went to that mailbox: whoever holds it and signed up with that address reads it.
    if (inv.email) await tx.user.update({ where: { id: caller.user.id }, data: { emailVerified: true } });
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
