// Deploys an earlier release again: same image digest, same config and env snapshot, no build.

import { liveRelease } from "@berth/control/releases/live-release";
import { AppError } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "../deployments/deployment-view.ts";
import { launch } from "../deployments/launch.ts";

export async function rollback(deps: AppDeps, caller: Caller, team: TeamContext, name: string, versionParam: string) {
  const { db } = deps;
  const app = await findApp(db, team.id, name);
  requireAdminForPrivilegedApp(caller, app, "roll it back");
  const version = /^v?\d{1,9}$/.test(versionParam) ? Number(versionParam.replace(/^v/, "")) : Number.NaN;
  if (!Number.isSafeInteger(version)) throw new AppError("BAD_REQUEST", `"${versionParam}" is not a release version`);
  const release = await db.release.findUnique({ where: { appId_version: { appId: app.id, version } } });
  if (!release) throw new AppError("NOT_FOUND", `app ${app.name} has no release v${version}`);
  const live = await liveRelease(db, app.id);
  if (live?.id === release.id) throw new AppError("CONFLICT", `release v${version} is already live`);
  const d = await launch(deps, { appId: app.id, kind: "rollback", releaseId: release.id, createdBy: caller.user.id });
  await recordAudit(db, {
    action: "deployment.created",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { deploymentId: d.id, kind: "rollback", version },
  });
  return oneDeploymentView(db, d.id);
}
