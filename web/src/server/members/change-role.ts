// Role changes. Only owners touch the owner role, nobody outranks themselves into a role
// above their own, and a team always keeps at least one owner.
import { AppError, outranks, type Role } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { publishRightsChanged } from "../auth/rights-changed.ts";
import { listMembers } from "./list-members.ts";

export async function changeRole(deps: { db: Db; redis: Redis }, caller: Caller, team: TeamContext, userId: string, role: Role) {
  const { db } = deps;
  const target = await db.membership.findUnique({ where: { teamId_userId: { teamId: team.id, userId } } });
  if (!target) throw new AppError("NOT_FOUND", "no such member in this team");
  const from = target.role as Role;
  if ((from === "owner" || role === "owner") && team.role !== "owner") throw new AppError("FORBIDDEN", "only owners can grant or take away the owner role");
  if (outranks(from, team.role)) throw new AppError("FORBIDDEN", `you cannot change the role of a member who outranks you (${from})`);
  if (from === role) return (await listMembers(db, team.id)).find((m) => m.userId === userId);

  await db.$transaction(async (tx) => {
    await tx.membership.update({ where: { id: target.id }, data: { role } });
    if (from === "owner" && (await tx.membership.count({ where: { teamId: team.id, role: "owner" } })) === 0) {
      throw new AppError("CONFLICT", "a team must keep at least one owner");
    }
  });
  await publishRightsChanged(deps.redis, { userIds: [userId], reason: `your role in ${team.slug} changed to ${role}` });
  await recordAudit(db, {
    action: "member.role_changed",
    actorId: caller.user.id,
    teamId: team.id,
    target: userId,
    ipAddress: caller.ip,
    data: { from, to: role },
  });
  return (await listMembers(db, team.id)).find((m) => m.userId === userId);
}
