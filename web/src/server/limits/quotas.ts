// Quotas per team, from the instance settings an admin changes (PATCH /api/v1/admin/settings):
// concurrent builds, replicas over all apps, named volumes over all apps, registry storage. Each is
// checked at the one place its resource is asked for, and refuses with a message that names the
// quota, the use and who can raise it. A quota lowered below a team's use refuses only increases.
import { readInstanceSettings } from "@berth/control/settings/instance-settings";
import { type AppConfig, AppError } from "@berth/core";
import type { RegistryClient } from "@berth/core/registry/registry-client";
import type { Db } from "@berth/db";
import { teamUsage } from "../images/team-usage.ts";

/** The team asking; its slug (for the message) is looked up when not given. */
type Team = { id: string; slug?: string };
const slugOf = async (db: Db, team: Team) => team.slug ?? (await db.team.findUnique({ where: { id: team.id }, select: { slug: true } }))?.slug ?? team.id;

const RAISE = "ask an instance admin to raise it";
const over = (quota: string, used: number, limit: number, message: string) => new AppError("FORBIDDEN", message, { quota, used, limit });

/** Builds that hold a build slot: waiting for the worker, building, or pushing their image. */
const BUILDING = ["queued", "building", "pushing"] as const;

/** Before a build deployment of `appId` is created (start-build.ts: upload, git push, repository, webhook). */
export async function assertBuildQuota(db: Db, team: Team, appId: string): Promise<void> {
  const { maxConcurrentBuilds } = await readInstanceSettings(db);
  const running = await db.deployment.count({
    where: {
      kind: "build",
      status: { in: [...BUILDING] },
      app: { teamId: team.id },
      // The app's queued deployment is superseded by the new one: it frees its slot.
      NOT: { appId, status: "queued" },
    },
  });
  if (running >= maxConcurrentBuilds)
    throw over(
      "maxConcurrentBuilds",
      running,
      maxConcurrentBuilds,
      `team ${await slugOf(db, team)} is at its quota of ${maxConcurrentBuilds} concurrent build${maxConcurrentBuilds === 1 ? "" : "s"} (${running} queued or running): wait for one to finish, or ${RAISE}`,
    );
}

/** Before an app's config is stored (create-app.ts, update-app.ts): replicas and named volumes over the team's apps. */
export async function assertAppQuotas(db: Db, team: Team, appId: string | null, config: Pick<AppConfig, "replicas" | "volumes">): Promise<void> {
  const apps = await db.app.findMany({ where: { teamId: team.id }, select: { id: true, config: true } });
  let replicas = 0;
  let volumes = 0;
  let before = { replicas: 0, volumes: 0 };
  for (const app of apps) {
    const c = (app.config ?? {}) as { replicas?: number; volumes?: unknown[] };
    const mine = { replicas: c.replicas ?? 0, volumes: c.volumes?.length ?? 0 };
    if (app.id === appId) before = mine;
    else {
      replicas += mine.replicas;
      volumes += mine.volumes;
    }
  }
  const { maxReplicas, maxVolumes } = await readInstanceSettings(db);
  const wantReplicas = replicas + config.replicas;
  if (config.replicas > before.replicas && wantReplicas > maxReplicas)
    throw over(
      "maxReplicas",
      wantReplicas,
      maxReplicas,
      `team ${await slugOf(db, team)} is over its quota of ${maxReplicas} replicas: its apps would run ${wantReplicas} (${replicas} in its other apps); scale another app down, or ${RAISE}`,
    );
  const wantVolumes = volumes + config.volumes.length;
  if (config.volumes.length > before.volumes && wantVolumes > maxVolumes)
    throw over(
      "maxVolumes",
      wantVolumes,
      maxVolumes,
      `team ${await slugOf(db, team)} is over its quota of ${maxVolumes} volumes: its apps would mount ${wantVolumes} (${volumes} in its other apps); remove one, or ${RAISE}`,
    );
}

/**
 * Before a push is granted (registry token issue: docker, skopeo, a container commit) and before a
 * build starts (its image is pushed with the worker's own token): the team's registry storage,
 * counted as `teamUsage` shows it. A push that starts under the quota may end above it; the next is refused.
 */
export async function assertStorageQuota(deps: { db: Db; registry: RegistryClient }, team: Team): Promise<void> {
  const { maxStorageMiB } = await readInstanceSettings(deps.db);
  const slug = await slugOf(deps.db, team);
  const { bytes } = await teamUsage(deps, { id: team.id, slug });
  const usedMiB = Math.round((bytes / 1024 / 1024) * 100) / 100;
  if (bytes >= maxStorageMiB * 1024 * 1024)
    throw over(
      "maxStorageMiB",
      usedMiB,
      maxStorageMiB,
      `team ${slug} is over its storage quota (${usedMiB} of ${maxStorageMiB} MiB): delete tags it no longer needs, or ${RAISE}`,
    );
}
