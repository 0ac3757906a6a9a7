// Log lines archived in Postgres (log_line) for one stream, between two cursors, oldest or newest
// first. The unique index (streamKey, ms, seq) serves the cursor range.
import { type AppLogLine, logStreamOf } from "@berth/core";
import type { Db, Prisma } from "@berth/db";
import type { LogFilters } from "./log-filter.ts";

export type CursorRange = {
  /** Exclusive bounds. */
  after?: string;
  before?: string;
};

const split = (cursor: string) => {
  const [ms = "0", seq = "0"] = cursor.split("-");
  return { ms: BigInt(ms), seq: Number(seq) };
};

// LIKE's own wildcards in the user's text are literal characters.
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function archivedLines(
  db: Db,
  where: { appId: string; streamKey: string },
  range: CursorRange,
  filters: LogFilters,
  order: "asc" | "desc",
  take: number,
): Promise<AppLogLine[]> {
  if (take <= 0) return [];
  const and: Prisma.LogLineWhereInput[] = [{ appId: where.appId, streamKey: where.streamKey }];
  if (range.after) {
    const a = split(range.after);
    and.push({ OR: [{ ms: { gt: a.ms } }, { ms: a.ms, seq: { gt: a.seq } }] });
  }
  if (range.before) {
    const b = split(range.before);
    and.push({ OR: [{ ms: { lt: b.ms } }, { ms: b.ms, seq: { lt: b.seq } }] });
  }
  if (filters.since) and.push({ at: { gte: new Date(filters.since) } });
  if (filters.until) and.push({ at: { lte: new Date(filters.until) } });
  if (filters.stream) and.push({ stream: filters.stream });
  if (filters.container) and.push({ OR: [{ container: filters.container }, { replica: filters.container }] });
  if (filters.q) and.push({ text: { contains: likeEscape(filters.q), mode: "insensitive" } });
  const rows = await db.logLine.findMany({
    where: { AND: and },
    orderBy: [{ ms: order }, { seq: order }],
    take,
    select: { ms: true, seq: true, at: true, container: true, replica: true, stream: true, text: true },
  });
  return rows.map((r) => ({
    id: `${r.ms}-${r.seq}`,
    ts: r.at.toISOString(),
    container: r.container ?? "",
    replica: r.replica ?? "",
    stream: logStreamOf(r.stream === "stderr" ? "e" : r.stream === "system" ? "m" : "o"),
    text: r.text,
  }));
}
