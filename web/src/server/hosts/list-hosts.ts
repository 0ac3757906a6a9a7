// The hosts table as the dashboard shows it.
import type { Db } from "@berth/db";

export type HostView = {
  id: string;
  hostname: string;
  dockerVersion: string;
  cpus: number;
  memoryBytes: number;
  freeMemoryBytes: number;
  address: string;
  draining: boolean;
  lastHeartbeatAt: string;
  online: boolean;
};

export async function listHosts(db: Db, opts: { staleMs: number }): Promise<HostView[]> {
  const rows = await db.host.findMany({ orderBy: { id: "asc" } });
  const now = Date.now();
  return rows.map((h) => ({
    id: h.id,
    hostname: h.hostname,
    dockerVersion: h.dockerVersion,
    cpus: h.cpus,
    memoryBytes: Number(h.memoryBytes),
    freeMemoryBytes: Number(h.freeMemoryBytes),
    address: h.address,
    draining: h.draining,
    lastHeartbeatAt: h.lastHeartbeatAt.toISOString(),
    online: now - h.lastHeartbeatAt.getTime() <= opts.staleMs,
  }));
}
