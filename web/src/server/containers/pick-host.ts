import { AppError } from "@berth/core";
import type { Db, Host } from "@berth/db";

/** An online host that is not draining, the one with the most free memory. */
export async function pickHost(db: Db, staleMs: number): Promise<Host> {
  const host = await db.host.findFirst({
    where: { draining: false, lastHeartbeatAt: { gte: new Date(Date.now() - staleMs) } },
    orderBy: { freeMemoryBytes: "desc" },
  });
  if (!host) throw new AppError("UNAVAILABLE", "no host is online (and not draining) to run it on");
  return host;
}
