import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { findRepository } from "./get-repository.ts";
import { repositoryView } from "./repository-view.ts";

export async function updateRepository(db: Db, caller: Caller, team: TeamContext, name: string, input: { description?: string; public?: boolean }) {
  const repo = await findRepository(db, team.id, name);
  const updated = await db.imageRepository.update({ where: { id: repo.id }, data: input });
  if (input.public !== undefined && input.public !== repo.public) {
    await recordAudit(db, {
      action: input.public ? "repository.made_public" : "repository.made_private",
      actorId: caller.user.id,
      teamId: team.id,
      target: `${team.slug}/${name}`,
      ipAddress: caller.ip,
    });
  }
  return repositoryView({ ...updated, tagCount: repo.tags.length, stars: repo._count.stars }, team.slug);
}
