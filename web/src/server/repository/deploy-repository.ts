// POST …/deployments/repository: builds and deploys the app's repository at a branch, tag or
// commit (default: the repository's branch). Its URL passes the outbound policy here, so a refused
// destination is an error now rather than a failed build (the worker checks it again when it fetches).
import { checkUrlAtEdge } from "@berth/control/outbound/check-url-at-edge";
import { AppError } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "../deployments/deployment-view.ts";
import { startRepoBuild } from "./repo-build.ts";

export async function deployRepository(deps: AppDeps, caller: Caller, team: TeamContext, name: string, input: { ref?: string }) {
  const app = await findApp(deps.db, team.id, name);
  const { repoUrl } = app;
  if (!repoUrl)
    throw new AppError(
      "BAD_REQUEST",
      `app ${app.name} has no repository; set its "repository" first (dashboard: Settings; CLI: berth apps create … --repo <url>)`,
    );
  requireAdminForPrivilegedApp(caller, app, "deploy it from its repository");
  await checkUrlAtEdge(deps.db, repoUrl, { publicUrl: deps.settings.publicUrl });
  const ref = input.ref ?? app.repoBranch ?? app.deployBranch;
  const d = await startRepoBuild(deps, { app: { ...app, repoUrl }, ref, actor: { userId: caller.user.id, ip: caller.ip } });
  return oneDeploymentView(deps.db, d.id);
}
