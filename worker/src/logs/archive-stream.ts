// Copies the next batch of one Redis log stream into log_line, from the key's archive cursor.
// Rows already there are skipped (unique streamKey+ms+seq), so a batch written twice
// (a crash between the insert and the cursor update) stays one copy.
import { LOG_ARCHIVE_CURSORS } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { insertLogRows } from "./insert-log-rows.ts";
import { type StreamEntry, streamOwner, toLogRows } from "./log-rows.ts";

export const ARCHIVE_BATCH = 2_000;

export type ArchiveResult = { lines: number; more: boolean; dropped?: string };

/** deploymentId -> appId (a deployment never changes app); null = no such deployment. */
export type DeploymentApps = Map<string, string | null>;

export async function archiveStream(deps: { db: Db; redis: Redis; deploymentApps: DeploymentApps }, key: string): Promise<ArchiveResult> {
  const owner = streamOwner(key);
  if (!owner) return drop(deps.redis, key, "not a log stream");
  let appId: string;
  let deploymentId: string | null = null;
  if (owner.kind === "app") {
    appId = owner.appId;
  } else {
    deploymentId = owner.deploymentId;
    const known = await deploymentApp(deps, owner.deploymentId);
    if (!known) return drop(deps.redis, key, "deployment deleted");
    appId = known;
  }

  const cursor = await deps.redis.hget(LOG_ARCHIVE_CURSORS, key);
  const entries = (await deps.redis.xrange(key, cursor ? `(${cursor}` : "-", "+", "COUNT", ARCHIVE_BATCH)) as StreamEntry[];
  if (entries.length === 0) {
    // An expired stream leaves nothing to archive: forget its cursor too.
    if ((await deps.redis.exists(key)) === 0) await deps.redis.hdel(LOG_ARCHIVE_CURSORS, key);
    return { lines: 0, more: false };
  }
  const rows = toLogRows(key, appId, deploymentId, entries);
  try {
    await insertLogRows(deps.db, rows);
  } catch (err) {
    // The app (and with it its lines) was deleted while its stream still had lines
    // (a foreign key violation: Prisma's P2003, or Postgres' 23503 through a raw query).
    if (isForeignKeyViolation(err)) {
      if (deploymentId) deps.deploymentApps.delete(deploymentId);
      return drop(deps.redis, key, "app deleted");
    }
    throw err;
  }
  const last = entries.at(-1)?.[0] as string;
  await deps.redis.hset(LOG_ARCHIVE_CURSORS, key, last);
  return { lines: rows.length, more: entries.length === ARCHIVE_BATCH };
}

async function deploymentApp(deps: { db: Db; deploymentApps: DeploymentApps }, deploymentId: string): Promise<string | null> {
  const cached = deps.deploymentApps.get(deploymentId);
  if (cached !== undefined) return cached;
  const d = await deps.db.deployment.findUnique({ where: { id: deploymentId }, select: { appId: true } });
  // Bounded: a worker sees many deployments over its life; the oldest are the least likely to write.
  if (deps.deploymentApps.size >= 10_000) {
    const oldest = deps.deploymentApps.keys().next().value;
    if (oldest !== undefined) deps.deploymentApps.delete(oldest);
  }
  deps.deploymentApps.set(deploymentId, d?.appId ?? null);
  return d?.appId ?? null;
}

async function drop(redis: Redis, key: string, reason: string): Promise<ArchiveResult> {
  await redis.hdel(LOG_ARCHIVE_CURSORS, key);
  return { lines: 0, more: false, dropped: reason };
}

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } }; message?: string };
  return (
    e.code === "P2003" ||
    e.meta?.code === "23503" ||
    e.meta?.driverAdapterError?.cause?.originalCode === "23503" ||
    e.meta?.driverAdapterError?.cause?.kind === "ForeignKeyConstraintViolation" ||
    /foreign key constraint/i.test(e.message ?? "")
  );
}
