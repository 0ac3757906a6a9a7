// A runtime-host reported what runs on its engine (at its start and every 30 s). Reconcile:
// - a managed container Berth has no row for (and no deployment is creating) is an orphan: removed;
// - a replica of an app's serving release that vanished is started again and the route follows;
// - every known container's state and port are refreshed (not while a deployment of its app runs).
// Nothing is ever duplicated: containers are matched by name, and a replica is only recreated
// under the same name.

import { publishContainer } from "@berth/control/events/app-events";
import { startReplica } from "@berth/control/replicas/start-replica";
import { type JobPayload, ONE_OFF_PREFIX, RUNNING_STATES } from "@berth/core";
import { refreshAppRoutes } from "../deploys/refresh-routes.ts";
import { replicaDeps } from "../deploys/replica-deps.ts";
import type { JobContext } from "./context.ts";

/** A row still "creating" this long after it was written belongs to a deploy that died. */
const CREATING_MS = 5 * 60_000;

export async function hostInventory(payload: JobPayload<"hostInventory">, ctx: JobContext): Promise<void> {
  const host = await ctx.db.host.findUnique({ where: { id: payload.hostId } });
  if (!host) return; // its first heartbeat has not been recorded yet; the next inventory will do
  const rows = await ctx.db.container.findMany({ where: { hostId: host.id }, include: { app: { include: { team: { select: { slug: true } } } } } });
  const byName = new Map(payload.containers.map((c) => [c.name, c]));
  const known = new Set(rows.map((r) => r.name));
  const busyApps = new Set((await ctx.db.deployment.findMany({ where: { status: { in: [...RUNNING_STATES] } }, select: { appId: true } })).map((d) => d.appId));

  // Orphans: managed containers nobody knows about.
  for (const c of payload.containers) {
    if (known.has(c.name) || c.name.startsWith(ONE_OFF_PREFIX)) continue;
    ctx.log.warn({ hostId: host.id, name: c.name }, "removing an orphan container");
    await ctx.hosts.call(host.id, "containerAction", { version: 1, name: c.name, action: "remove" }, { timeoutMs: 30_000 }).catch((err) => {
      ctx.log.warn({ hostId: host.id, name: c.name, err: (err as Error).message }, "could not remove an orphan");
    });
  }

  const touchedApps = new Set<string>();
  for (const row of rows) {
    const seen = byName.get(row.name);
    if (seen) {
      // While a deployment of the app runs it owns these rows: the report may have been taken between
      // a replica's create and start, and would put it back to "created" without its port.
      if (row.appId && busyApps.has(row.appId)) continue;
      if (seen.state !== row.state || seen.hostPort !== row.hostPort || seen.dockerId !== row.dockerId) {
        await ctx.db.container.update({ where: { id: row.id }, data: { state: seen.state, hostPort: seen.hostPort, dockerId: seen.dockerId } });
        if (seen.hostPort !== row.hostPort && row.appId) touchedApps.add(row.appId);
        if (row.appId) await publishContainer(ctx, { appId: row.appId, teamId: row.teamId }, row.id, seen.state);
      }
      continue;
    }
    // Missing from the engine.
    if ((row.state === "creating" && Date.now() - row.createdAt.getTime() < CREATING_MS) || !row.app || !row.releaseId || busyApps.has(row.app.id)) continue;
    const serving = await ctx.db.deployment.findFirst({ where: { appId: row.app.id, status: "live" }, orderBy: { createdAt: "desc" } });
    const release = serving?.releaseId === row.releaseId ? await ctx.db.release.findUnique({ where: { id: row.releaseId } }) : null;
    if (!release) {
      await ctx.db.container.delete({ where: { id: row.id } });
      await publishContainer(ctx, { appId: row.app.id, teamId: row.teamId }, row.id, "removed");
      continue;
    }
    ctx.log.warn({ hostId: host.id, name: row.name }, "a replica of the serving release vanished: starting it again");
    try {
      const app = { id: row.app.id, name: row.app.name, teamId: row.teamId, teamSlug: row.app.team.slug };
      await startReplica(replicaDeps(ctx), { rowId: row.id, name: row.name, host, app, release });
      touchedApps.add(row.app.id);
    } catch (err) {
      ctx.log.error({ hostId: host.id, name: row.name, err: (err as Error).message }, "could not restore a replica");
    }
  }
  for (const appId of touchedApps) await refreshAppRoutes(ctx, appId);
}
