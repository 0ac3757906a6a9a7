// GET .../apps/{app}/logs: the team's app by name (another team's is "not found"), then its log.
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { type ReadAppLogsQuery, type ReadAppLogsResult, readAppLogs } from "./read-app-logs.ts";

export async function listAppLogs(deps: { db: Db; redis: Redis }, team: TeamContext, name: string, query: ReadAppLogsQuery): Promise<ReadAppLogsResult> {
  const app = await findApp(deps.db, team.id, name);
  return readAppLogs(deps, app.id, query);
}
