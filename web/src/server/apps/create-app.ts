// A new app: config = defaults + the given patch, env stored (secrets sealed), the default
// address claimed; no port given: the image's EXPOSEd one (image-port.ts, said in `notes`). With
// `deploy` and an image, its first deployment starts at once.
import { resolveDeployableImage } from "@berth/control/images/deployable-image";
import { type AppConfigPatch, AppError, DEFAULT_APP_CONFIG } from "@berth/core";
import { berthRegistryAliases } from "@berth/core/image-ref";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { oneDeploymentView } from "../deployments/deployment-view.ts";
import { launch } from "../deployments/launch.ts";
import { assertAppQuotas } from "../limits/quotas.ts";
import { type RepositoryInput, repositoryAudit, repositoryData } from "../repository/repository-fields.ts";
import { claimDefaultHostname } from "./app-address.ts";
import type { AppDeps } from "./app-deps.ts";
import { oneAppView } from "./app-view.ts";
import { assertMayMount } from "./binds-guard.ts";
import { imagePort } from "./image-port.ts";
import { mergeConfig } from "./merge-config.ts";
import { type EnvInput, sealEnv } from "./seal-env.ts";

export type CreateAppInput = { name: string; image?: string; config?: AppConfigPatch; env?: EnvInput; repository?: RepositoryInput; deploy: boolean };

export async function createApp(deps: AppDeps, caller: Caller, team: TeamContext, input: CreateAppInput) {
  const { db, settings } = deps;
  assertMayMount(caller, input.config?.binds);
  let config = mergeConfig(DEFAULT_APP_CONFIG, input.config);
  await assertAppQuotas(db, team, null, config);
  const image = input.image ? await resolveDeployableImage(db, team, input.image, berthRegistryAliases(settings.registryPort), settings) : null;
  const fromImage = image && input.config?.port === undefined ? await imagePort(deps, team, image) : null;
  if (fromImage) config = { ...config, port: fromImage.port };

  const repository = input.repository ? await repositoryData(deps, input.repository, "main") : {};
  const exists = await db.app.findUnique({ where: { teamId_name: { teamId: team.id, name: input.name } }, select: { id: true } });
  if (exists) throw new AppError("CONFLICT", `team ${team.slug} already has an app named "${input.name}"`);
  let app: Awaited<ReturnType<typeof db.app.create>>;
  try {
    app = await db.$transaction(async (tx) => {
      await claimDefaultHostname(tx, input.name, team.slug, settings.domain);
      return tx.app.create({
        data: {
          teamId: team.id,
          name: input.name,
          sourceType: image ? "image" : "git",
          imageRef: image?.ref ?? null,
          ...repository,
          config: config as never,
          envVars: { create: sealEnv(settings.encryptionKey, input.env) },
        },
      });
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("CONFLICT", `team ${team.slug} already has an app named "${input.name}"`);
    throw err;
  }
  await recordAudit(db, {
    action: "app.created",
    actorId: caller.user.id,
    teamId: team.id,
    target: app.name,
    ipAddress: caller.ip,
    data: { image: app.imageRef, envKeys: Object.keys(input.env ?? {}) },
  });
  if (input.repository)
    await recordAudit(db, {
      action: "app.repository_set",
      actorId: caller.user.id,
      teamId: team.id,
      target: app.name,
      ipAddress: caller.ip,
      data: { repository: repositoryAudit(input.repository, app.deployBranch) },
    });

  let deployment = null;
  if (input.deploy && app.imageRef) {
    const d = await launch(deps, { appId: app.id, kind: "image", imageRef: app.imageRef, createdBy: caller.user.id });
    await recordAudit(db, {
      action: "deployment.created",
      actorId: caller.user.id,
      teamId: team.id,
      target: app.name,
      ipAddress: caller.ip,
      data: { deploymentId: d.id, kind: "image", image: app.imageRef },
    });
    deployment = await oneDeploymentView(db, d.id);
  }
  return { app: await oneAppView(db, settings, team.slug, app), deployment, notes: fromImage ? [fromImage.note] : [] };
}
