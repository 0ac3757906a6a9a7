// A deployment's log after a cursor (exclusive): lines carry their stream id as the next cursor
// and the time the line was written (the id's milliseconds). The Redis stream is capped and
// expires; the worker archives it to Postgres (log_line), which answers for whatever the stream
// no longer holds — the same cursors either way.
import { AppError, compareCursors, type DeploymentState, deployLogKey } from "@berth/core";
import { mergeNewer } from "@berth/core/log-merge";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { archivedLines } from "../logs/archived-lines.ts";
import { findDeployment } from "./find-deployment.ts";

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
type Entry = [string, string[]];

export async function getDeploymentLog(deps: { db: Db; redis: Redis }, team: TeamContext, name: string, id: string, query: { after?: string; limit: number }) {
  const app = await findApp(deps.db, team.id, name);
  const d = await findDeployment(deps.db, app.id, id);
  if (query.after !== undefined && !STREAM_ID.test(query.after)) throw new AppError("BAD_REQUEST", `"after" must be a line id like 1700000000000-0`);
  const key = deployLogKey(d.id);
  const [entries, first] = (await Promise.all([
    deps.redis.xrange(key, query.after ? `(${query.after}` : "-", "+", "COUNT", query.limit),
    deps.redis.xrange(key, "-", "+", "COUNT", 1),
  ])) as [Entry[], Entry[]];
  let lines = entries.map(([entryId, fields]) => {
    const at = fields.indexOf("t");
    return { id: entryId, ts: new Date(Number(entryId.split("-")[0])).toISOString(), text: at >= 0 && at % 2 === 0 ? (fields[at + 1] ?? "") : "" };
  });
  // The stream expired, or was trimmed past the cursor: the missing lines are in Postgres.
  const oldest = first[0]?.[0];
  if (oldest === undefined || (query.after !== undefined ? compareCursors(oldest, query.after) > 0 : true)) {
    const archived = await archivedLines(deps.db, { appId: app.id, streamKey: key }, { after: query.after, before: oldest }, {}, "asc", query.limit);
    if (archived.length > 0)
      lines = mergeNewer(
        undefined,
        archived.map(({ id: lineId, ts, text }) => ({ id: lineId, ts, text })),
        lines,
      ).lines.slice(0, query.limit);
  }
  return { lines, status: d.status as DeploymentState };
}
