// Deploys an image: the given one or the app's own. The reference goes through control's image
// policy (deployable-image.ts) before anything is queued: a refused image queues nothing.
import { resolveDeployableImage } from "@berth/control/images/deployable-image";
import { AppError } from "@berth/core";
import { berthRegistryAliases } from "@berth/core/image-ref";
import type { AppDeps } from "../apps/app-deps.ts";
import { findApp } from "../apps/find-app.ts";
import { requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "./deployment-view.ts";
import { launch } from "./launch.ts";

export async function createDeployment(deps: AppDeps, caller: Caller, team: TeamContext, name: string, input: { image?: string }) {
  const { db } = deps;
  const app = await findApp(db, team.id, name);
  // Even the same reference: its tag may have moved to an image a developer pushed.
  requireAdminForPrivilegedApp(caller, app, "deploy it");
  const wanted = input.image ?? app.imageRef;
  if (!wanted) throw new AppError("BAD_REQUEST", `app ${app.name} has no image; give one with "image" (or upload a build)`);
  const { ref } = await resolveDeployableImage(db, team, wanted, berthRegistryAliases(deps.settings.registryPort), deps.settings);
  const d = await launch(deps, { appId: app.id, kind: "image", imageRef: ref, createdBy: caller.user.id });
  await recordAudit(db, {
    action: "deployment.created",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { deploymentId: d.id, kind: "image", image: ref },
  });
  return oneDeploymentView(db, d.id);
}
