// Points an app's hostnames at the running replicas of its serving release, as the database
// knows them (after a replica was restored on another port, a domain was added, or to repair the
// table). Skipped while a deployment of the app runs: the roll-out owns the switch then.

import { appHostnames } from "@berth/control/routing/app-hostnames";
import { RUNNING_STATES } from "@berth/core/apps";
import { deleteRoute, ROUTES_KEY, setRoute } from "@berth/core/routes";
import type { JobContext } from "../jobs/context.ts";

export async function refreshAppRoutes(ctx: JobContext, appId: string): Promise<string[]> {
  const app = await ctx.db.app.findUnique({ where: { id: appId }, include: { team: { select: { slug: true } } } });
  if (!app) return [];
  const serving = await ctx.db.deployment.findFirst({ where: { appId, status: "live" }, orderBy: { createdAt: "desc" } });
  const hostnames = await appHostnames(ctx.db, { id: app.id, name: app.name, teamSlug: app.team.slug }, ctx.config.BERTH_DOMAIN);
  if (await ctx.db.deployment.count({ where: { appId, status: { in: [...RUNNING_STATES] } } })) return hostnames;
  const replicas = serving?.releaseId
    ? await ctx.db.container.findMany({ where: { appId, releaseId: serving.releaseId, state: "running", hostPort: { not: null } }, include: { host: true } })
    : [];
  const upstreams = replicas.map((c) => ({ address: c.host.address, port: c.hostPort as number }));
  for (const h of hostnames) {
    if (upstreams.length > 0) await setRoute(ctx.redis, h, { appId, upstreams });
    else await deleteRoute(ctx.redis, h);
  }
  return hostnames;
}

/** Every app's routes, and no route for a hostname an app no longer has (scheduled `routes.sync`). */
export async function routesSync(_payload: unknown, ctx: JobContext): Promise<void> {
  const apps = await ctx.db.app.findMany({ select: { id: true } });
  const expected = new Set<string>();
  for (const a of apps) for (const h of await refreshAppRoutes(ctx, a.id)) expected.add(h);
  // Only entries of apps (uuid ids) are Berth's to remove; others were set by hand or by tests.
  const APP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  for (const [hostname, raw] of Object.entries(await ctx.redis.hgetall(ROUTES_KEY))) {
    if (expected.has(hostname)) continue;
    let appId = "";
    try {
      appId = String((JSON.parse(raw) as { appId?: unknown }).appId ?? "");
    } catch {}
    if (APP_ID.test(appId) || appId === "") await deleteRoute(ctx.redis, hostname);
  }
}
