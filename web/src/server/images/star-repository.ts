import type { Db } from "@berth/db";
import { findRepository } from "./get-repository.ts";

export async function setStar(db: Db, userId: string, teamId: string, name: string, starred: boolean) {
  const repo = await findRepository(db, teamId, name);
  if (starred)
    await db.star.upsert({ where: { userId_repositoryId: { userId, repositoryId: repo.id } }, create: { userId, repositoryId: repo.id }, update: {} });
  else await db.star.deleteMany({ where: { userId, repositoryId: repo.id } });
  return { starred, stars: await db.star.count({ where: { repositoryId: repo.id } }) };
}
