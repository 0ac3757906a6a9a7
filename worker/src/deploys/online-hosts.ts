// Hosts that can take new replicas: a fresh heartbeat and not draining.
import type { Db } from "@berth/db";
import type { Candidate } from "./place-replicas.ts";

export async function onlineHosts(db: Db, staleMs: number, opts: { includeDraining?: boolean } = {}): Promise<Candidate[]> {
  const rows = await db.host.findMany({
    where: { lastHeartbeatAt: { gt: new Date(Date.now() - staleMs) }, ...(opts.includeDraining ? {} : { draining: false }) },
    orderBy: { id: "asc" },
  });
  return rows.map((h) => ({ id: h.id, address: h.address, freeMemoryBytes: Number(h.freeMemoryBytes) }));
}
