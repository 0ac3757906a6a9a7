// GET .../apps/{app}/logs/download: the matching lines as a text file, one per line:
// `<ISO time> <replica> <stdout|stderr|system> <text>`. Read in pages (the same reader as the
// list), held in memory up to the route's cap, so the file is one consistent run of lines.
import type { AppLogLine } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { type ReadAppLogsQuery, readAppLogs } from "./read-app-logs.ts";

const PAGE = 5_000;

export async function downloadAppLogs(deps: { db: Db; redis: Redis }, team: TeamContext, name: string, query: ReadAppLogsQuery): Promise<Response> {
  const app = await findApp(deps.db, team.id, name);
  const { lines, truncated } = await collect(deps, app.id, query);
  // A line break inside a line would forge a line of its own in the file.
  const body = lines.map((l) => `${l.ts} ${l.replica || "-"} ${l.stream} ${l.text.replace(/\r?\n|\r/g, "\\n")}\n`).join("");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${app.name}-logs-${stamp}.txt"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-berth-lines": String(lines.length),
      ...(truncated ? { "x-berth-truncated": "true" } : {}),
    },
  });
}

/** With `after`: the oldest matching lines after it; otherwise the newest before `before` (or now). */
async function collect(deps: { db: Db; redis: Redis }, appId: string, query: ReadAppLogsQuery): Promise<{ lines: AppLogLine[]; truncated: boolean }> {
  const pages: AppLogLine[][] = [];
  let count = 0;
  let more = true;
  let after = query.after;
  let before = query.before;
  // Bounded by the line cap: every page but the last is full.
  while (more && count < query.limit) {
    const page = await readAppLogs(deps, appId, { ...query, after, before, limit: Math.min(PAGE, query.limit - count) });
    if (page.lines.length === 0) break;
    more = page.more;
    count += page.lines.length;
    if (query.after) {
      pages.push(page.lines);
      after = page.lines.at(-1)?.id;
    } else {
      pages.unshift(page.lines);
      before = page.lines[0]?.id;
    }
  }
  return { lines: pages.flat(), truncated: more && count >= query.limit };
}
