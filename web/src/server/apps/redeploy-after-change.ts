// After a saved change to an app: nothing when it has no live release; a new image deployment
// when an image app's image changed; otherwise a new release of the live image with the new
// config and env, deployed as a `config` deployment.
import type { App } from "@berth/db";
import type { Caller } from "../auth/caller.ts";
import { launch } from "../deployments/launch.ts";
import { createConfigRelease } from "../releases/config-release.ts";
import { liveRelease } from "../releases/live-release.ts";
import type { AppDeps } from "./app-deps.ts";
import { storedConfig } from "./find-app.ts";

export async function redeployAfterChange(deps: AppDeps, caller: Caller, app: App, opts: { imageChanged: boolean }) {
  const live = await liveRelease(deps.db, app.id);
  if (!live) return null;
  if (opts.imageChanged && app.sourceType === "image" && app.imageRef) {
    return launch(deps, { appId: app.id, kind: "image", imageRef: app.imageRef, createdBy: caller.user.id });
  }
  const release = await createConfigRelease(deps.db, { appId: app.id, live, config: storedConfig(app.config), createdBy: caller.user.id });
  return launch(deps, { appId: app.id, kind: "config", releaseId: release.id, createdBy: caller.user.id });
}
