// An app's runtime log history, oldest first. Shared by the logs API, the download and the
// socket's "logs.follow". Recent lines live in the app's Redis stream (capped, expiring); the
// worker's archiver copies them to Postgres (log_line), which keeps the history and serves
// search. Every answer is a run of lines in cursor order without gaps or duplicates.
import { APP_LOG_MAX_LINES, type AppLogLine, appLogKey, appLogLineOf, compareCursors, LOG_ARCHIVE_CURSORS } from "@berth/core";
import { mergeNewer } from "@berth/core/log-merge";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { archivedLines } from "./archived-lines.ts";
import { hasFilters, type LogFilters, lineMatcher } from "./log-filter.ts";
import { readStreamAfter } from "./read-stream-after.ts";

export type ReadAppLogsQuery = LogFilters & {
  /** Lines after this cursor (exclusive), oldest first. */
  after?: string;
  /** Lines before this cursor (exclusive); without `after`, the newest of them. */
  before?: string;
  /** Without `after`: the newest `limit` lines (that match). */
  limit: number;
};

/** `more`: more lines match beyond this page (after it when following, before it otherwise). */
export type ReadAppLogsResult = { lines: AppLogLine[]; more: boolean };

type Deps = { db: Db; redis: Redis };
type Entry = [string, string[]];

export async function readAppLogs(deps: Deps, appId: string, query: ReadAppLogsQuery): Promise<ReadAppLogsResult> {
  if (query.limit <= 0) return { lines: [], more: false };
  if (hasFilters(query) || query.before) return search(deps, appId, query);
  if (query.after) return readAfter(deps, appId, query.after, query.limit);
  return readNewest(deps, appId, query.limit);
}

/** Following: what the stream has after the cursor, and, when it was trimmed past it, the gap from Postgres. */
const readAfter = (deps: Deps, appId: string, after: string, limit: number): Promise<ReadAppLogsResult> =>
  readStreamAfter(deps, { appId, streamKey: appLogKey(appId) }, after, limit);

/** The newest lines: the stream's, then older ones from Postgres when the stream holds fewer. */
async function readNewest(deps: Deps, appId: string, limit: number): Promise<ReadAppLogsResult> {
  const key = appLogKey(appId);
  const entries = ((await deps.redis.xrevrange(key, "+", "-", "COUNT", limit + 1)) as Entry[]).reverse();
  let lines = entries.map(([id, fields]) => appLogLineOf(id, fields));
  if (lines.length <= limit) {
    const older = await archivedLines(deps.db, { appId, streamKey: key }, { before: lines[0]?.id }, {}, "desc", limit + 1 - lines.length);
    lines = [...older.reverse(), ...lines];
  }
  return { lines: lines.slice(-limit), more: lines.length > limit };
}

/**
 * Search: Postgres for what is archived, plus the stream's lines newer than the archive cursor
 * (not archived yet). The cursor is read first: whatever it covers is already in Postgres, and a
 * line archived meanwhile shows up in both and is kept once.
 */
async function search(deps: Deps, appId: string, query: ReadAppLogsQuery): Promise<ReadAppLogsResult> {
  const key = appLogKey(appId);
  const order = query.after ? "asc" : "desc";
  const archived = await deps.redis.hget(LOG_ARCHIVE_CURSORS, key);
  const lo = archived && (!query.after || compareCursors(archived, query.after) > 0) ? archived : query.after;
  const start = lo ? `(${lo}` : "-";
  const end = query.before ? `(${query.before}` : "+";
  // Bounded by the stream's own cap; newest first when the newest lines are wanted.
  const entries = (
    order === "asc"
      ? await deps.redis.xrange(key, start, end, "COUNT", APP_LOG_MAX_LINES)
      : ((await deps.redis.xrevrange(key, end, start, "COUNT", APP_LOG_MAX_LINES)) as Entry[]).reverse()
  ) as Entry[];
  const matches = lineMatcher(query);
  const fresh = entries.map(([id, fields]) => appLogLineOf(id, fields)).filter(matches);
  const old = await archivedLines(deps.db, { appId, streamKey: key }, { after: query.after, before: query.before }, query, order, query.limit + 1);
  const lines = mergeNewer(undefined, old, fresh).lines;
  if (order === "asc") return { lines: lines.slice(0, query.limit), more: lines.length > query.limit };
  return { lines: lines.slice(-query.limit), more: lines.length > query.limit };
}
