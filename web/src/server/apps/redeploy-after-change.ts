// After a saved change to an app: nothing when it has no live release; a new image deployment
// when an image app's image changed; otherwise a new release of the live image with the new
// config and env, deployed as a `config` deployment.
import { createRelease } from "@berth/control/releases/create-release";
import { liveRelease } from "@berth/control/releases/live-release";
import type { App } from "@berth/db";
import type { Caller } from "../auth/caller.ts";
import { launch } from "../deployments/launch.ts";
import type { AppDeps } from "./app-deps.ts";
import { storedConfig } from "./find-app.ts";
import { requireAdminForPrivilegedApp } from "./privileged-app.ts";

export async function redeployAfterChange(deps: AppDeps, caller: Caller, app: App, opts: { imageChanged: boolean }) {
  // Its callers check before they save; this is the last gate before a new release of it starts.
  requireAdminForPrivilegedApp(caller, app, "redeploy it");
  const live = await liveRelease(deps.db, app.id);
  if (!live) return null;
  if (opts.imageChanged && app.sourceType === "image" && app.imageRef) {
    return launch(deps, { appId: app.id, kind: "image", imageRef: app.imageRef, createdBy: caller.user.id });
  }
  // The live image with the app's new config and env, numbered like every release (control's createRelease).
  const release = await createRelease(deps.db, {
    appId: app.id,
    imageRef: live.imageRef,
    digest: live.digest,
    platform: live.platform,
    buildId: live.buildId,
    config: storedConfig(app.config),
    createdBy: caller.user.id,
  });
  return launch(deps, { appId: app.id, kind: "config", releaseId: release.id, createdBy: caller.user.id });
}
