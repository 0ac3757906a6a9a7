// Deleting a team removes its memberships, invitations, apps and repositories (cascades).
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";

export async function deleteTeam(db: Db, caller: Caller, team: TeamContext): Promise<void> {
  if (team.personal) throw new AppError("BAD_REQUEST", "a personal namespace is deleted with its user, not on its own");
  // Recorded first and instance-wide (teamId null), since the team's own events go with it.
  await recordAudit(db, { action: "team.deleted", actorId: caller.user.id, teamId: null, target: team.slug, ipAddress: caller.ip });
  await db.team.delete({ where: { id: team.id } });
}
