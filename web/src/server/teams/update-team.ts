import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { teamView } from "./team-view.ts";

export async function updateTeam(db: Db, caller: Caller, team: TeamContext, input: { name: string }) {
  const updated = await db.team.update({ where: { id: team.id }, data: { name: input.name } });
  await recordAudit(db, {
    action: "team.updated",
    actorId: caller.user.id,
    teamId: team.id,
    target: team.slug,
    ipAddress: caller.ip,
    data: { name: input.name },
  });
  return teamView(updated, team.role);
}
