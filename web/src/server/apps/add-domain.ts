// Custom host names for an app. Each is unique across the instance; names under Berth's own
// domain belong to the apps they are derived from, and loopback names are never routed.
import { AppError, JOBS } from "@berth/core";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { defaultHostname } from "./app-address.ts";
import type { AppDeps } from "./app-deps.ts";
import { findApp } from "./find-app.ts";

/** Leaves room in an app.teardown job (100 names) for the default address. */
export const MAX_DOMAINS_PER_APP = 50;

const under = (hostname: string, parent: string) => hostname === parent || hostname.endsWith(`.${parent}`);

export function refuseHostname(hostname: string, ownDefault: string, domain: string): string | null {
  if (/^[0-9.]+$/.test(hostname)) return "an IP address is not a host name";
  if (under(hostname, "localhost") && !under(hostname, ownDefault)) return `${hostname} is a loopback name`;
  if (under(hostname, domain) && !under(hostname, ownDefault)) return `names under ${domain} belong to Berth's apps; this app's own is ${ownDefault}`;
  return null;
}

export async function addDomain(deps: AppDeps, caller: Caller, team: TeamContext, name: string, hostname: string) {
  const { db, settings } = deps;
  const app = await findApp(db, team.id, name);
  const refusal = refuseHostname(hostname, defaultHostname(app.name, team.slug, settings.domain), settings.domain);
  if (refusal) throw new AppError("BAD_REQUEST", `cannot serve the app at ${hostname}: ${refusal}`);
  const current = await db.domain.findMany({ where: { appId: app.id }, select: { hostname: true } });
  if (!current.some((d) => d.hostname === hostname)) {
    if (current.length >= MAX_DOMAINS_PER_APP) throw new AppError("BAD_REQUEST", `an app has at most ${MAX_DOMAINS_PER_APP} custom domains`);
    try {
      await db.domain.create({ data: { appId: app.id, hostname } });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `${hostname} is already used by another app`);
      throw err;
    }
    await recordAudit(db, { action: "app.domain_added", actorId: caller.user.id, teamId: team.id, target: app.name, ipAddress: caller.ip, data: { hostname } });
    // The proxy learns the new name from the route table; a sync now rather than at the next tick.
    await deps.enqueue(JOBS.routesSync, { version: 1 });
  }
  const domains = await db.domain.findMany({ where: { appId: app.id }, orderBy: { hostname: "asc" }, select: { hostname: true } });
  return { domains: domains.map((d) => d.hostname) };
}
