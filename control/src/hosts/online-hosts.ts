// Hosts that can take new containers: a heartbeat fresher than the stale limit, and not draining.
// The one definition of "online" for placement (web's one-offs and the worker's replicas alike).
import type { Db } from "@berth/db";
import type { Candidate } from "./place-replicas.ts";

export async function onlineHosts(db: Db, staleMs: number, opts: { includeDraining?: boolean } = {}): Promise<Candidate[]> {
  const rows = await db.host.findMany({
    where: { lastHeartbeatAt: { gt: new Date(Date.now() - staleMs) }, ...(opts.includeDraining ? {} : { draining: false }) },
    orderBy: { id: "asc" },
  });
  return rows.map((h) => ({ id: h.id, address: h.address, freeMemoryBytes: Number(h.freeMemoryBytes), sealKey: h.sealKey }));
}

/** Whether a host's last heartbeat is recent enough to ask it anything. */
export const isOnline = (host: { lastHeartbeatAt: Date }, staleMs: number, now = Date.now()): boolean => now - host.lastHeartbeatAt.getTime() < staleMs;
