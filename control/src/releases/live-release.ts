// An app's live release: the release of its newest deployment whose status is `live`.
import type { Db, Release } from "@berth/db";

export async function liveReleases(db: Db, appIds: readonly string[]): Promise<Map<string, Release>> {
  if (appIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT ON ("appId") id FROM deployment
    WHERE "appId" = ANY(${[...appIds]}) AND status = 'live' AND "releaseId" IS NOT NULL
    ORDER BY "appId", "createdAt" DESC`;
  if (rows.length === 0) return new Map();
  const deployments = await db.deployment.findMany({ where: { id: { in: rows.map((r) => r.id) } }, include: { release: true } });
  return new Map(deployments.flatMap((d) => (d.release ? [[d.appId, d.release] as const] : [])));
}

export async function liveRelease(db: Db, appId: string): Promise<Release | null> {
  return (await liveReleases(db, [appId])).get(appId) ?? null;
}
