// The hostnames an app answers at: its default one (`<app>-<team>.<domain>`, core/src/routes.ts,
// lowercased) and its custom domains, lowercased too: the routing table keys them that way.
import { appHostname } from "@berth/core/routes";
import type { Db } from "@berth/db";

export async function appHostnames(db: Db, app: { id: string; name: string; teamSlug: string }, domain: string): Promise<string[]> {
  const domains = await db.domain.findMany({ where: { appId: app.id }, select: { hostname: true } });
  return [appHostname(app.name, app.teamSlug, domain), ...domains.map((d) => d.hostname.toLowerCase())];
}
