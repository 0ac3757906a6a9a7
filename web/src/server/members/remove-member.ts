// Removing a member (by an admin) or leaving (by oneself). The last owner can do neither:
// transfer ownership or delete the team first.
import { AppError, outranks, type Role } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { publishRightsChanged } from "../auth/rights-changed.ts";

export async function removeMember(
  deps: { db: Db; redis: Redis },
  caller: Caller,
  team: TeamContext,
  userId: string,
  opts: { leaving: boolean },
): Promise<void> {
  const { db } = deps;
  if (team.personal) throw new AppError("BAD_REQUEST", "nobody can leave or be removed from a personal namespace");
  const target = await db.membership.findUnique({ where: { teamId_userId: { teamId: team.id, userId } } });
  if (!target) throw new AppError("NOT_FOUND", "no such member in this team");
  const role = target.role as Role;
  if (!opts.leaving && userId !== caller.user.id) {
    if (role === "owner" && team.role !== "owner") throw new AppError("FORBIDDEN", "only owners can remove an owner");
    if (outranks(role, team.role)) throw new AppError("FORBIDDEN", `you cannot remove a member who outranks you (${role})`);
  }
  await db.$transaction(async (tx) => {
    await tx.membership.delete({ where: { id: target.id } });
    if (role === "owner" && (await tx.membership.count({ where: { teamId: team.id, role: "owner" } })) === 0) {
      throw new AppError("CONFLICT", "the last owner cannot leave or be removed; make someone else owner or delete the team");
    }
  });
  await publishRightsChanged(deps.redis, { userIds: [userId], reason: `you are no longer a member of ${team.slug}` });
  await recordAudit(db, {
    action: opts.leaving ? "member.left" : "member.removed",
    actorId: caller.user.id,
    teamId: team.id,
    target: userId,
    ipAddress: caller.ip,
    data: { role },
  });
}
