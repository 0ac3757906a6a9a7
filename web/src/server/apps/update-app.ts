// Changes an app's image or config. A live app gets the change at once: a new image deployment
// for a new image, else a new release of the live image with the new config.
import { resolveDeployableImage } from "@berth/control/images/deployable-image";
import type { AppConfigPatch } from "@berth/core";
import { berthRegistryAliases } from "@berth/core/image-ref";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "../deployments/deployment-view.ts";
import { assertAppQuotas } from "../limits/quotas.ts";
import { type RepositoryInput, repositoryAudit, repositoryData } from "../repository/repository-fields.ts";
import type { AppDeps } from "./app-deps.ts";
import { oneAppView } from "./app-view.ts";
import { assertMayMount } from "./binds-guard.ts";
import { findApp, storedConfig } from "./find-app.ts";
import { imagePort } from "./image-port.ts";
import { mergeConfig } from "./merge-config.ts";
import { requireAdminForPrivilegedApp } from "./privileged-app.ts";
import { redeployAfterChange } from "./redeploy-after-change.ts";

export async function updateApp(
  deps: AppDeps,
  caller: Caller,
  team: TeamContext,
  name: string,
  input: { image?: string; config?: AppConfigPatch; repository?: RepositoryInput | null },
) {
  const { db, settings } = deps;
  const app = await findApp(db, team.id, name);
  assertMayMount(caller, input.config?.binds);
  const before = storedConfig(app.config);
  const resolved = input.image ? await resolveDeployableImage(db, team, input.image, berthRegistryAliases(settings.registryPort), settings) : null;
  const image = resolved ? resolved.ref : app.imageRef;
  const imageChanged = image !== app.imageRef;
  // A new image and no port given: the new image's EXPOSEd port, if it has one.
  const fromImage = resolved && imageChanged && input.config?.port === undefined ? await imagePort(deps, team, resolved) : null;
  const config = mergeConfig(before, fromImage ? { ...input.config, port: fromImage.port } : input.config);
  await assertAppQuotas(db, team, app.id, config);
  const configChanged = JSON.stringify(config) !== JSON.stringify(before);
  // Any change redeploys it, and config (volumes over its code, its command) is code too.
  if (imageChanged || configChanged || input.repository !== undefined) requireAdminForPrivilegedApp(caller, app, "change its image, config or repository");
  const repoChanged = input.repository !== undefined;
  if (repoChanged) {
    await db.app.update({ where: { id: app.id }, data: await repositoryData(deps, input.repository ?? null, app.deployBranch) });
    await recordAudit(db, {
      action: "app.repository_set",
      actorId: caller.user.id,
      teamId: team.id,
      target: app.name,
      ipAddress: caller.ip,
      data: { repository: repositoryAudit(input.repository ?? null, app.deployBranch) },
    });
  }

  if (!imageChanged && !configChanged)
    return { app: await oneAppView(db, settings, team.slug, repoChanged ? await findApp(db, team.id, name) : app), deployment: null, notes: [] };
  const saved = await db.app.update({
    where: { id: app.id },
    data: { config: config as never, ...(imageChanged ? { imageRef: image, sourceType: "image" } : {}) },
  });
  await recordAudit(db, {
    action: "app.updated",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { ...(imageChanged ? { image } : {}), config: Object.keys(input.config ?? {}) },
  });
  const d = await redeployAfterChange(deps, caller, saved, { imageChanged });
  if (d)
    await recordAudit(db, {
      action: "deployment.created",
      actorId: caller.user.id,
      teamId: team.id,
      target: app.name,
      ipAddress: caller.ip,
      data: { deploymentId: d.id, kind: d.kind },
    });
  return {
    app: await oneAppView(db, settings, team.slug, saved),
    deployment: d ? await oneDeploymentView(db, d.id) : null,
    notes: fromImage ? [fromImage.note] : [],
  };
}
