// A new team with the caller as its owner. Team slugs and usernames share one namespace
// (both name registry paths), so a slug may not equal any user's username.
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";
import { teamView } from "./team-view.ts";

export async function createTeam(db: Db, caller: Caller, input: { slug: string; name: string }) {
  const clash = await db.user.findFirst({ where: { username: input.slug }, select: { id: true } });
  if (clash) throw new AppError("CONFLICT", `the name "${input.slug}" is taken`);
  try {
    const team = await db.team.create({
      data: { slug: input.slug, name: input.name, memberships: { create: { userId: caller.user.id, role: "owner" } } },
    });
    await recordAudit(db, { action: "team.created", actorId: caller.user.id, teamId: team.id, target: team.slug, ipAddress: caller.ip });
    return teamView(team, "owner");
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `the name "${input.slug}" is taken`);
    throw err;
  }
}
