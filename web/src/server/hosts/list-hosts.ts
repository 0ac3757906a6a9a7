// The hosts table as the dashboard shows it.
import type { host } from "@berth/core";
import type { Db, Host } from "@berth/db";
import type { z } from "zod";

export type HostView = z.infer<typeof host>;

export const hostView = (h: Host, staleMs: number, now = Date.now()): HostView => ({
  id: h.id,
  hostname: h.hostname,
  dockerVersion: h.dockerVersion,
  platform: h.platform,
  cpus: h.cpus,
  memoryBytes: Number(h.memoryBytes),
  freeMemoryBytes: Number(h.freeMemoryBytes),
  address: h.address,
  draining: h.draining,
  lastHeartbeatAt: h.lastHeartbeatAt.toISOString(),
  online: now - h.lastHeartbeatAt.getTime() <= staleMs,
});

export async function listHosts(db: Db, opts: { staleMs: number }): Promise<HostView[]> {
  const rows = await db.host.findMany({ orderBy: { id: "asc" } });
  const now = Date.now();
  return rows.map((h) => hostView(h, opts.staleMs, now));
}
