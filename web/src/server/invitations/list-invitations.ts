import type { Db } from "@berth/db";
import { invitationView } from "./invitation-view.ts";

/** Open invitations: not accepted and not expired. */
export async function listInvitations(db: Db, teamId: string) {
  const rows = await db.invitation.findMany({ where: { teamId, acceptedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: "desc" } });
  return rows.map(invitationView);
}
