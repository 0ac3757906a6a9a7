// Draining a host: no new replicas go there and a host.drain job moves the ones it has; undraining
// puts it back in service (replicas stay where they are until their next deployment).
import { AppError, JOBS } from "@berth/core";
import type { Db } from "@berth/db";
import type { Enqueue } from "../apps/app-deps.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { Caller } from "../auth/caller.ts";
import { hostView } from "./list-hosts.ts";

export async function drainHost(deps: { db: Db; enqueue: Enqueue }, caller: Caller, id: string, draining: boolean, opts: { staleMs: number }) {
  const { count } = await deps.db.host.updateMany({ where: { id }, data: { draining } });
  if (count === 0) throw new AppError("NOT_FOUND", `host ${id} not found`);
  if (draining) await deps.enqueue(JOBS.hostDrain, { version: 1, hostId: id });
  await recordAudit(deps.db, { action: draining ? "host.drained" : "host.undrained", actorId: caller.user.id, target: id, ipAddress: caller.ip });
  return hostView(await deps.db.host.findUniqueOrThrow({ where: { id } }), opts.staleMs);
}
