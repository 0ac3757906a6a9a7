// A deployment's log from its Redis stream, after a cursor (exclusive): lines carry their stream
// id as the next cursor and the time the line was written (the id's milliseconds).
import { AppError, type DeploymentState, deployLogKey } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { findDeployment } from "./find-deployment.ts";

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

export async function getDeploymentLog(deps: { db: Db; redis: Redis }, team: TeamContext, name: string, id: string, query: { after?: string; limit: number }) {
  const app = await findApp(deps.db, team.id, name);
  const d = await findDeployment(deps.db, app.id, id);
  if (query.after !== undefined && !STREAM_ID.test(query.after)) throw new AppError("BAD_REQUEST", `"after" must be a line id like 1700000000000-0`);
  const entries = (await deps.redis.xrange(deployLogKey(d.id), query.after ? `(${query.after}` : "-", "+", "COUNT", query.limit)) as [string, string[]][];
  const lines = entries.map(([entryId, fields]) => {
    const at = fields.indexOf("t");
    return { id: entryId, ts: new Date(Number(entryId.split("-")[0])).toISOString(), text: at >= 0 && at % 2 === 0 ? (fields[at + 1] ?? "") : "" };
  });
  return { lines, status: d.status as DeploymentState };
}
