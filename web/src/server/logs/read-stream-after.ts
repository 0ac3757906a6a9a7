// A log stream after a cursor (from its start without one), oldest first: the Redis stream, plus
// from Postgres what the stream no longer holds (trimmed past the cursor, or expired). Shared by
// runtime logs (following) and deployment logs.
import { type AppLogLine, appLogLineOf, compareCursors, entryFields } from "@berth/core";
import { mergeNewer } from "@berth/core/log-merge";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { archivedLines } from "./archived-lines.ts";

type Entry = [string, string[]];

export async function readStreamAfter(
  deps: { db: Db; redis: Redis },
  where: { appId: string; streamKey: string },
  after: string | undefined,
  limit: number,
): Promise<{ lines: AppLogLine[]; more: boolean }> {
  const [entries, first] = (await Promise.all([
    deps.redis.xrange(where.streamKey, after ? `(${after}` : "-", "+", "COUNT", limit + 1),
    deps.redis.xrange(where.streamKey, "-", "+", "COUNT", 1),
  ])) as [Entry[], Entry[]];
  // Entries without text (a deployment's build and end markers) are not lines.
  let lines = entries.filter(([, fields]) => entryFields(fields).t !== undefined).map(([id, fields]) => appLogLineOf(id, fields));
  const oldest = first[0]?.[0];
  if (oldest === undefined || after === undefined || compareCursors(oldest, after) > 0) {
    const gap = await archivedLines(deps.db, where, { after, before: oldest }, {}, "asc", limit + 1);
    if (gap.length > 0) lines = mergeNewer(undefined, gap, lines).lines;
  }
  return { lines: lines.slice(0, limit), more: lines.length > limit };
}
