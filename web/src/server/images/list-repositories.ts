import type { Db } from "@berth/db";
import { repositoryView } from "./repository-view.ts";

export async function listRepositories(db: Db, team: { id: string; slug: string }) {
  const rows = await db.imageRepository.findMany({
    where: { teamId: team.id },
    orderBy: { name: "asc" },
    include: { _count: { select: { tags: true, stars: true } } },
  });
  return rows.map((r) => repositoryView({ ...r, tagCount: r._count.tags, stars: r._count.stars }, team.slug));
}

/** Public repositories of every team whose name matches `q`. */
export async function explorePublic(db: Db, q: string) {
  const rows = await db.imageRepository.findMany({
    where: {
      public: true,
      ...(q
        ? { OR: [{ name: { contains: q, mode: "insensitive" } }, { description: { contains: q, mode: "insensitive" } }, { team: { slug: { contains: q } } }] }
        : {}),
    },
    orderBy: [{ pullCount: "desc" }, { name: "asc" }],
    take: 100,
    include: { _count: { select: { tags: true, stars: true } }, team: { select: { slug: true } } },
  });
  return rows.map((r) => repositoryView({ ...r, tagCount: r._count.tags, stars: r._count.stars }, r.team.slug));
}
