// Where each replica runs: online, non-draining hosts with room for its memory limit, spreading
// an app's replicas (fewest of this app first, then most free memory). One-off commands are a
// placement of one.
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { onlineHosts } from "./online-hosts.ts";

export type Candidate = { id: string; address: string; freeMemoryBytes: number; sealKey: string | null };

export function placeReplicas(hosts: Candidate[], replicas: number, memoryBytes: number): Candidate[] {
  if (replicas === 0) return [];
  if (hosts.length === 0) throw new AppError("UNAVAILABLE", "no online host to run on (every host is offline or draining)");
  const free = new Map(hosts.map((h) => [h.id, h.freeMemoryBytes]));
  const count = new Map(hosts.map((h) => [h.id, 0]));
  const out: Candidate[] = [];
  for (let i = 0; i < replicas; i++) {
    const fits = hosts.filter((h) => (free.get(h.id) ?? 0) >= memoryBytes);
    if (fits.length === 0) {
      throw new AppError("UNAVAILABLE", `no host has ${Math.round(memoryBytes / 1048576)} MB free for replica ${i + 1} of ${replicas}`);
    }
    fits.sort((a, b) => (count.get(a.id) ?? 0) - (count.get(b.id) ?? 0) || (free.get(b.id) ?? 0) - (free.get(a.id) ?? 0) || a.id.localeCompare(b.id));
    const host = fits[0] as Candidate;
    out.push(host);
    count.set(host.id, (count.get(host.id) ?? 0) + 1);
    free.set(host.id, (free.get(host.id) ?? 0) - memoryBytes);
  }
  return out;
}

/** Places `replicas` containers of `memoryBytes` each on the hosts online now. */
export async function placeOnOnlineHosts(db: Db, staleMs: number, replicas: number, memoryBytes: number): Promise<Candidate[]> {
  return placeReplicas(await onlineHosts(db, staleMs), replicas, memoryBytes);
}
