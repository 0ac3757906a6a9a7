import type { Role } from "@berth/core";
import type { Db } from "@berth/db";
import { teamView } from "./team-view.ts";

export async function listTeams(db: Db, userId: string) {
  const rows = await db.membership.findMany({ where: { userId }, include: { team: true }, orderBy: { team: { slug: "asc" } } });
  // The personal namespace first, then teams by name.
  return rows.map((m) => teamView(m.team, m.role as Role)).sort((a, b) => Number(b.personal) - Number(a.personal) || a.slug.localeCompare(b.slug));
}
