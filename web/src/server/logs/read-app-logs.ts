// An app's runtime log history after a cursor (or its newest lines), oldest first. Shared by the
// logs API and the socket's "logs.follow". First version: the Redis stream only; the log-pipeline
// work extends it with Postgres history (lines trimmed from the stream) and search filters.
import { type AppLogLine, appLogKey, logStreamOf } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";

export type ReadAppLogsQuery = {
  /** Lines after this cursor (exclusive), oldest first. */
  after?: string;
  /** Without `after`: the newest `limit` lines. */
  limit: number;
};

export type ReadAppLogsResult = { lines: AppLogLine[]; more: boolean };

export async function readAppLogs(deps: { db: Db; redis: Redis }, appId: string, query: ReadAppLogsQuery): Promise<ReadAppLogsResult> {
  const key = appLogKey(appId);
  let entries: [string, string[]][];
  let more = false;
  if (query.after) {
    entries = (await deps.redis.xrange(key, `(${query.after}`, "+", "COUNT", query.limit + 1)) as [string, string[]][];
    more = entries.length > query.limit;
    entries = entries.slice(0, query.limit);
  } else {
    entries = ((await deps.redis.xrevrange(key, "+", "-", "COUNT", query.limit)) as [string, string[]][]).reverse();
  }
  return { lines: entries.map(([id, fields]) => toLine(id, fields)), more };
}

/** A stream entry -> the line the API and sockets carry. */
export function toLine(id: string, fields: string[]): AppLogLine {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  const ms = Number(f.ts ?? id.split("-")[0]);
  return { id, ts: new Date(Number.isFinite(ms) ? ms : 0).toISOString(), container: f.c ?? "", replica: f.r ?? "", stream: logStreamOf(f.s), text: f.t ?? "" };
}
