// A deployment's log after a cursor (exclusive): lines carry their stream id as the next cursor
// and the time the line was written (the id's milliseconds). The Redis stream is capped and
// expires; the worker archives it to Postgres (log_line), which answers for whatever the stream
// no longer holds — the same cursors either way.
import { AppError, type DeploymentState, deployLogKey, LOG_CURSOR } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { readStreamAfter } from "../logs/read-stream-after.ts";
import { findDeployment } from "./find-deployment.ts";

export async function getDeploymentLog(deps: { db: Db; redis: Redis }, team: TeamContext, name: string, id: string, query: { after?: string; limit: number }) {
  const app = await findApp(deps.db, team.id, name);
  const d = await findDeployment(deps.db, app.id, id);
  if (query.after !== undefined && !LOG_CURSOR.test(query.after)) throw new AppError("BAD_REQUEST", `"after" must be a line id like 1700000000000-0`);
  const { lines } = await readStreamAfter(deps, { appId: app.id, streamKey: deployLogKey(d.id) }, query.after, query.limit);
  return { lines: lines.map(({ id: lineId, ts, text }) => ({ id: lineId, ts, text })), status: d.status as DeploymentState };
}
