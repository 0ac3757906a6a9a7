import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { repositoryView, tagView } from "./repository-view.ts";

export async function findRepository(db: Db, teamId: string, name: string) {
  const repo = await db.imageRepository.findUnique({
    where: { teamId_name: { teamId, name } },
    include: { tags: { orderBy: { pushedAt: "desc" } }, _count: { select: { stars: true } } },
  });
  if (!repo) throw new AppError("NOT_FOUND", `repository "${name}" not found`);
  return repo;
}

export async function getRepository(db: Db, team: { id: string; slug: string }, userId: string, name: string, registryHost: string) {
  const repo = await findRepository(db, team.id, name);
  const star = await db.star.findUnique({ where: { userId_repositoryId: { userId, repositoryId: repo.id } } });
  return {
    ...repositoryView({ ...repo, tagCount: repo.tags.length, stars: repo._count.stars }, team.slug),
    pullCommand: `docker pull ${registryHost}/${team.slug}/${repo.name}:${repo.tags[0]?.name ?? "latest"}`,
    starred: Boolean(star),
    tags: repo.tags.map(tagView),
  };
}
