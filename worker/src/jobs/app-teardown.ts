// An app was deleted (its rows are gone): stop serving its hostnames and remove its containers.

import { publishContainer } from "@berth/control/events/app-events";
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
}
