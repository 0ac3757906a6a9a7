import { AppError, JOBS } from "@berth/core";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import type { AppDeps } from "./app-deps.ts";
import { findApp } from "./find-app.ts";

export async function removeDomain(deps: AppDeps, caller: Caller, team: TeamContext, name: string, hostname: string): Promise<void> {
  const app = await findApp(deps.db, team.id, name);
  const { count } = await deps.db.domain.deleteMany({ where: { appId: app.id, hostname: hostname.toLowerCase() } });
  if (count === 0) throw new AppError("NOT_FOUND", `app ${app.name} is not served at ${hostname}`);
  await recordAudit(deps.db, {
    action: "app.domain_removed",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { hostname },
  });
  await deps.enqueue(JOBS.routesSync, { version: 1 });
}
