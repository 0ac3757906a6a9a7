import type { containerView as containerViewSchema } from "@berth/core";
import { memoryLimitMb } from "@berth/core/container-exit";
import type { Container, Db } from "@berth/db";
import type { z } from "zod";

export type ContainerView = z.infer<typeof containerViewSchema>;
export type ContainerRow = Container & { app: { name: string } | null };

/** Views of container rows; release versions are looked up in one query. */
export async function containerViews(db: Db, rows: readonly ContainerRow[]): Promise<ContainerView[]> {
  const releaseIds = [...new Set(rows.flatMap((r) => (r.releaseId ? [r.releaseId] : [])))];
  const releases = releaseIds.length ? await db.release.findMany({ where: { id: { in: releaseIds } }, select: { id: true, version: true } }) : [];
  const versions = new Map(releases.map((r) => [r.id, r.version]));
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    hostId: c.hostId,
    appName: c.app?.name ?? null,
    releaseVersion: c.releaseId ? (versions.get(c.releaseId) ?? null) : null,
    image: c.image,
    state: c.state,
    hostPort: c.hostPort,
    restartCount: c.restartCount,
    lastExitCode: c.lastExitCode,
    lastExitAt: c.lastExitAt?.toISOString() ?? null,
    oomKilled: c.oomKilled,
    memoryLimitMb: memoryLimitMb(c.memoryLimitBytes),
    lastStartedAt: c.lastStartedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  }));
}
