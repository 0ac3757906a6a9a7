// Apps as the API shows them: config, env (secret values never), address and custom domains,
// the live release and the latest deployment. Built for many apps with a fixed number of queries.

import { liveReleases } from "@berth/control/releases/live-release";
import type { appView as appViewSchema, envVarView } from "@berth/core";
import type { App, Db, EnvVar } from "@berth/db";
import type { z } from "zod";
import { deploymentView, withRelease } from "../deployments/deployment-view.ts";
import { releaseView } from "../releases/release-view.ts";
import { repositoryView } from "../repository/repository-fields.ts";
import { appUrl, defaultHostname } from "./app-address.ts";
import type { AppSettings } from "./app-deps.ts";
import { storedConfig } from "./find-app.ts";
import { userNames } from "./user-names.ts";

export type AppView = z.infer<typeof appViewSchema>;

export const envView = (rows: readonly EnvVar[]): z.infer<typeof envVarView>[] =>
  [...rows].sort((a, b) => a.key.localeCompare(b.key)).map((e) => ({ key: e.key, secret: e.secret, value: e.secret ? null : e.value }));

export async function appViews(db: Db, settings: Pick<AppSettings, "domain" | "proxyPort">, teamSlug: string, apps: readonly App[]): Promise<AppView[]> {
  const ids = apps.map((a) => a.id);
  if (ids.length === 0) return [];
  const latestIds = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT ON ("appId") id FROM deployment WHERE "appId" = ANY(${ids}) ORDER BY "appId", "createdAt" DESC`;
  const [domains, env, live, latest] = await Promise.all([
    db.domain.findMany({ where: { appId: { in: ids } }, orderBy: { hostname: "asc" } }),
    db.envVar.findMany({ where: { appId: { in: ids } } }),
    liveReleases(db, ids),
    latestIds.length ? db.deployment.findMany({ where: { id: { in: latestIds.map((r) => r.id) } }, include: withRelease }) : [],
  ]);
  const name = await userNames(db, [...latest.map((d) => d.createdBy), ...[...live.values()].map((r) => r.createdBy)]);
  return apps.map((a) => {
    const liveRelease = live.get(a.id);
    const latestDeployment = latest.find((d) => d.appId === a.id);
    return {
      id: a.id,
      name: a.name,
      team: teamSlug,
      sourceType: a.sourceType === "git" ? "git" : "image",
      imageRef: a.imageRef,
      deployBranch: a.deployBranch,
      repository: repositoryView(a),
      url: appUrl(defaultHostname(a.name, teamSlug, settings.domain), settings.proxyPort),
      domains: domains.filter((d) => d.appId === a.id).map((d) => d.hostname),
      config: storedConfig(a.config),
      env: envView(env.filter((e) => e.appId === a.id)),
      liveRelease: liveRelease ? releaseView(liveRelease, name) : null,
      latestDeployment: latestDeployment ? deploymentView(latestDeployment, name) : null,
      createdAt: a.createdAt.toISOString(),
    };
  });
}

export async function oneAppView(db: Db, settings: Pick<AppSettings, "domain" | "proxyPort">, teamSlug: string, app: App): Promise<AppView> {
  const [view] = await appViews(db, settings, teamSlug, [app]);
  if (!view) throw new Error(`app ${app.id} has no view`);
  return view;
}
