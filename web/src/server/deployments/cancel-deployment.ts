// Cancelling: a queued deployment is marked cancelled under the app's deploy lock (the worker
// claims under the same lock, so it either sees "cancelled" or has already started); a running
// one is asked to stop through a Redis key the worker polls; a finished one cannot be.
import { AppError, type DeploymentState, deployCancelKey, isFinished, JOBS } from "@berth/core";
import { publishDeployment } from "@berth/db/app-events";
import { deployLockSql } from "@berth/db/start-deployment";
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
  if (isFinished(d.status as DeploymentState)) throw new AppError("CONFLICT", `deployment ${d.id} is already ${d.status}`);

  const status = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${deployLockSql(app.id)}))`;
    const now = await tx.deployment.findUniqueOrThrow({ where: { id: d.id }, select: { status: true } });
    if (now.status !== "queued") return now.status;
    await tx.deployment.update({
      where: { id: d.id },
      data: { status: "cancelled", reason: `cancelled by ${caller.user.username ?? caller.user.email}`, finishedAt: new Date() },
    });
    return "cancelled" as const;
  });
  if (status === "cancelled") {
    // Best effort: the worker skips a cancelled deployment anyway if the job is already taken.
    await deps.dequeue(JOBS.deployRun.queue, d.id);
    await publishDeployment({ db, publisher: deps.redis }, { appId: app.id, teamId: team.id }, { id: d.id, status: "cancelled" }).catch(() => {});
  } else if (isFinished(status as DeploymentState)) {
    throw new AppError("CONFLICT", `deployment ${d.id} is already ${status}`);
  } else {
    await deps.redis.set(deployCancelKey(d.id), "1", "EX", 3600);
  }
  await recordAudit(db, {
    action: "deployment.cancelled",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { deploymentId: d.id, was: status === "cancelled" ? "queued" : status },
  });
  return oneDeploymentView(db, d.id);
}
