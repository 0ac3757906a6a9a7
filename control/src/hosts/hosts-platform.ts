// The platform images are resolved for: the one the online hosts' Engines run (each reports it in
// its heartbeat, core/src/platform.ts). Berth deploys one image to every host, so hosts of different
// platforms are refused by name; before any host has reported one, the control plane's own.
import { AppError } from "@berth/core/errors";
import { type Platform, parsePlatform } from "@berth/core/platform";
import type { Db } from "@berth/db";
import { onlineHosts } from "./online-hosts.ts";

const GOARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

/** This process's platform (the control plane's machine): the fallback when no host has said. */
export const processPlatform = (): Platform => ({ os: "linux", architecture: GOARCH[process.arch] ?? process.arch });

export async function hostsPlatform(db: Db, staleMs: number): Promise<Platform> {
  const online = await onlineHosts(db, staleMs);
  const rows = await db.host.findMany({ where: { id: { in: online.map((h) => h.id) } }, select: { id: true, platform: true } });
  return agreedPlatform(rows);
}

/** The one platform of these hosts (those that reported one), or a CONFLICT naming who runs what. */
export function agreedPlatform(hosts: { id: string; platform: string | null }[]): Platform {
  const byPlatform = new Map<string, string[]>();
  for (const h of hosts) if (h.platform) byPlatform.set(h.platform, [...(byPlatform.get(h.platform) ?? []), h.id]);
  if (byPlatform.size > 1) {
    const list = [...byPlatform].map(([p, ids]) => `${p} on ${ids.join(", ")}`).join("; ");
    throw new AppError(
      "CONFLICT",
      `Berth's hosts run different platforms (${list}): a release runs one image on every host, so drain the hosts of all but one platform`,
    );
  }
  const [only] = byPlatform.keys();
  return (only && parsePlatform(only)) || processPlatform();
}
