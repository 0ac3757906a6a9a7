// Starts a build of an app's repository at a ref: the worker fetches it (worker/src/builds/
// fetch-repository.ts). The deployRepository route and the push webhook both end here.
import { randomUUID } from "node:crypto";
import { redactUrl } from "@berth/core";
import type { App } from "@berth/db";
import type { AppDeps } from "../apps/app-deps.ts";
import { repoSource, type StartBuildInput, startBuild } from "../deployments/start-build.ts";

export async function startRepoBuild(
  deps: Pick<AppDeps, "db" | "enqueue" | "redis" | "registry">,
  input: { app: App & { repoUrl: string }; ref: string; actor: StartBuildInput["actor"]; audit?: Record<string, unknown> },
) {
  const { app } = input;
  return startBuild(deps, { app, buildId: randomUUID(), source: repoSource(redactUrl(app.repoUrl), input.ref), actor: input.actor, audit: input.audit });
}
