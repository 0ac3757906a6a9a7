// Seals the credentials of repository URLs stored before they were sealed at rest. The database
// never has the key, so a SQL migration cannot do it (prisma/migrations/20261208000100_repo_credentials
// only adds the column): the worker runs this at its start and for an app before fetching it.
import type { Db } from "@berth/db";
import { holdsPlainCredentials, storeRepositoryUrl } from "./repository-url.ts";

export async function sealRepositoryCredentials(db: Db, encryptionKey: string, where: { appId?: string } = {}): Promise<number> {
  const rows = await db.app.findMany({
    where: { ...(where.appId ? { id: where.appId } : {}), repoUrl: { contains: "@" }, repoCredentials: null },
    select: { id: true, repoUrl: true, repoCredentials: true },
  });
  let sealed = 0;
  for (const row of rows) {
    if (!row.repoUrl || !holdsPlainCredentials({ repoUrl: row.repoUrl, repoCredentials: row.repoCredentials })) continue;
    const stored = storeRepositoryUrl(encryptionKey, row.repoUrl);
    // Only if nobody changed the row meanwhile.
    const { count } = await db.app.updateMany({ where: { id: row.id, repoUrl: row.repoUrl, repoCredentials: null }, data: stored });
    sealed += count;
  }
  return sealed;
}
