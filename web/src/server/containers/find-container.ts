// One of the team's containers, by Berth's id or by its Docker name, and whether its host is
// alive enough to be asked anything.
import { isOnline } from "@berth/control/hosts/online-hosts";
import { AppError, isAppError } from "@berth/core";
import type { Db, Host } from "@berth/db";
import type { ContainerRow } from "./container-view.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function findContainer(db: Db, teamId: string, idOrName: string): Promise<ContainerRow & { host: Host }> {
  const rows = await db.container.findMany({
    where: { teamId, ...(UUID.test(idOrName) ? { id: idOrName } : { name: idOrName }) },
    include: { app: { select: { name: true } }, host: true },
    take: 2,
  });
  const [row, other] = rows;
  if (!row) throw new AppError("NOT_FOUND", `container ${idOrName} not found`);
  if (other) throw new AppError("CONFLICT", `more than one container is named ${idOrName}; use its id`);
  return row;
}

export function assertHostOnline(host: Host, staleMs: number): void {
  if (!isOnline(host, staleMs)) {
    throw new AppError("UNAVAILABLE", `host ${host.id} is offline (last heartbeat ${host.lastHeartbeatAt.toISOString()})`);
  }
}

/** Runs a host call about the container; a host that no longer has it makes the row go too. */
export async function onHost<T>(db: Db, c: { id: string }, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAppError(err) && err.code === "NOT_FOUND") await db.container.deleteMany({ where: { id: c.id } });
    throw err;
  }
}
