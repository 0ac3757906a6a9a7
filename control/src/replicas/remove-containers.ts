// Retires replicas: stop (SIGTERM, the engine's grace period), then remove, then forget the row.
// A host that is gone for good cannot be asked; its rows are dropped and its inventory, if it
// ever comes back, removes what is left.
import { isAppError } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { publishContainer } from "../events/app-events.ts";
import type { HostCaller } from "../hosts/call-host.ts";

export type ContainerRef = { id: string; hostId: string; name: string; appId?: string | null; teamId?: string | null };

export async function removeContainers(
  deps: { db: Db; hosts: HostCaller; publisher: Redis },
  containers: ContainerRef[],
  opts: { graceful: boolean },
): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    containers.map(async (c) => {
      try {
        if (opts.graceful) await deps.hosts.call(c.hostId, "containerAction", { version: 1, name: c.name, action: "stop" }, { timeoutMs: 30_000 });
        await deps.hosts.call(c.hostId, "containerAction", { version: 1, name: c.name, action: "remove" }, { timeoutMs: 30_000 });
      } catch (err) {
        // Already gone from its host: what we wanted.
        if (!(isAppError(err) && err.code === "NOT_FOUND")) problems.push(`${c.name} on ${c.hostId}: ${(err as Error).message}`);
      }
      await deps.db.container.deleteMany({ where: { id: c.id } });
      if (c.appId) await publishContainer(deps, { appId: c.appId, teamId: c.teamId }, c.id, "removed");
    }),
  );
  return problems;
}
