// Every deployment web creates goes through control's startDeployment (which supersedes a queued
// one under the app's deploy lock) and is enqueued as `deploy.run` with the deployment id as job id.
import { type NewDeployment, startDeployment } from "@berth/control/deployments/start-deployment";
import { JOBS } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";

export async function launch(deps: Pick<AppDeps, "db" | "enqueue" | "redis">, input: NewDeployment) {
  const { deployment } = await startDeployment(
    { db: deps.db, publisher: deps.redis },
    (id) => deps.enqueue(JOBS.deployRun, { version: 1, deploymentId: id }, { jobId: id }),
    input,
  );
  return deployment;
}
