// An app's recent metrics samples (the runtime-hosts append them to the app's Redis stream about
// once a second per container), oldest first: the backfill a chart draws before live samples come.
import { APP_METRICS_MAX_SAMPLES, appMetricsKey, type ContainerStats, containerStats, entryFields } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";

export async function getAppMetrics(deps: { db: Db; redis: Redis }, team: TeamContext, name: string, query: { minutes: number }, now = Date.now()) {
  const app = await findApp(deps.db, team.id, name);
  const since = now - query.minutes * 60_000;
  // Entry ids are the times samples were added, so the range read skips older ones without parsing them.
  const entries = (await deps.redis.xrange(appMetricsKey(app.id), String(since), "+", "COUNT", APP_METRICS_MAX_SAMPLES)) as [string, string[]][];
  const samples: ContainerStats[] = [];
  for (const [, fields] of entries) {
    let raw: unknown;
    try {
      raw = JSON.parse(entryFields(fields).j ?? "");
    } catch {
      continue;
    }
    // A sample written by an older or newer producer that does not fit is skipped, not fatal.
    const parsed = containerStats.safeParse(raw);
    if (parsed.success && Date.parse(parsed.data.ts) >= since) samples.push(parsed.data);
  }
  return { samples };
}
