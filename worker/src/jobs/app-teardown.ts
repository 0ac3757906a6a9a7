// An app was deleted (its rows are gone): stop serving its hostnames, remove its containers, then
// its named volumes on every host that answers (found there by their owner label: a deleted app's
// data is not kept). A deleted team's network goes with the hosts' prune of unused networks.

import { publishContainer } from "@berth/control/events/app-events";
import { onlineHosts } from "@berth/control/hosts/online-hosts";
import type { JobPayload } from "@berth/core";
import { deleteRoute } from "@berth/core/routes";
import type { JobContext } from "./context.ts";

export async function appTeardown(payload: JobPayload<"appTeardown">, ctx: JobContext): Promise<void> {
  for (const h of payload.hostnames) await deleteRoute(ctx.redis, h);
  const problems: string[] = [];
  await Promise.all(
    payload.containers.map(async (c) => {
      await ctx.hosts.call(c.hostId, "containerAction", { version: 1, name: c.name, action: "remove" }, { timeoutMs: 30_000 }).catch((err) => {
        problems.push(`${c.name} on ${c.hostId}: ${(err as Error).message}`);
      });
      // Its row went with the app: for Berth it is removed even if an offline host still has it.
      if (c.id) await publishContainer(ctx, { appId: payload.appId, teamId: payload.teamId }, c.id, "removed");
    }),
  );
  // A host that is offline now removes them as orphans when its inventory next arrives.
  if (problems.length > 0) ctx.log.warn({ appId: payload.appId, problems }, "some containers of a deleted app could not be removed now");
  await removeVolumes(payload.appId, ctx);
}

async function removeVolumes(appId: string, ctx: JobContext): Promise<void> {
  const hosts = await onlineHosts(ctx.db, ctx.config.BERTH_HOST_STALE_MS, { includeDraining: true });
  await Promise.all(
    hosts.map(async (h) => {
      try {
        const { removed, inUse } = await ctx.hosts.call(h.id, "volumesRemove", { version: 1, appId }, { timeoutMs: 30_000 });
        if (removed.length > 0) ctx.log.info({ appId, hostId: h.id, removed }, "removed the volumes of a deleted app");
        if (inUse.length > 0) ctx.log.warn({ appId, hostId: h.id, inUse }, "volumes of a deleted app are still in use and were kept");
      } catch (err) {
        ctx.log.warn({ appId, hostId: h.id, err: (err as Error).message }, "could not remove the volumes of a deleted app on a host");
      }
    }),
  );
}
