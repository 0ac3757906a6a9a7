// Every deployment web creates goes through prisma's startDeployment (which supersedes a queued
// one under the app's lock) and is enqueued as `deploy.run` with the deployment id as job id.
import { JOBS } from "@berth/core";
import { type NewDeployment, startDeployment } from "@berth/db/start-deployment";
import type { AppDeps } from "../apps/app-deps.ts";

export async function launch(deps: Pick<AppDeps, "db" | "enqueue" | "redis">, input: NewDeployment) {
  const { deployment } = await startDeployment(
    deps.db,
    (id) => deps.enqueue(JOBS.deployRun, { version: 1, deploymentId: id }, { jobId: id }),
    input,
    deps.redis,
  );
  return deployment;
}
