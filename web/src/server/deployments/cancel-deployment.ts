// Cancelling a deployment from the API: the rule is control's cancelDeployment; web finds the
// deployment within the team, and audits who asked.
import { cancelDeployment as cancel } from "@berth/control/deployments/cancel-deployment";
import { JOBS } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "./deployment-view.ts";
import { findDeployment } from "./find-deployment.ts";

export async function cancelDeployment(deps: AppDeps, caller: Caller, team: TeamContext, name: string, id: string) {
  const { db } = deps;
  const app = await findApp(db, team.id, name);
  const d = await findDeployment(db, app.id, id);
  const { was } = await cancel(
    { db, publisher: deps.redis, dequeue: (deploymentId) => deps.dequeue(JOBS.deployRun.queue, deploymentId) },
    { id: d.id, appId: app.id, teamId: team.id },
    caller.user.username ?? caller.user.email,
  );
  await recordAudit(db, {
    action: "deployment.cancelled",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { deploymentId: d.id, was },
  });
  return oneDeploymentView(db, d.id);
}
