import type { Db } from "@berth/db";
import { findApp } from "../apps/find-app.ts";
import { userNames } from "../apps/user-names.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { deploymentView, withRelease } from "./deployment-view.ts";
import { findDeployment } from "./find-deployment.ts";

export async function listDeployments(db: Db, team: TeamContext, name: string) {
  const app = await findApp(db, team.id, name);
  const rows = await db.deployment.findMany({ where: { appId: app.id }, orderBy: { createdAt: "desc" }, take: 50, include: withRelease });
  const who = await userNames(
    db,
    rows.map((r) => r.createdBy),
  );
  return { deployments: rows.map((r) => deploymentView(r, who)) };
}

export async function getDeployment(db: Db, team: TeamContext, name: string, id: string) {
  const app = await findApp(db, team.id, name);
  const d = await findDeployment(db, app.id, id);
  const row = await db.deployment.findUniqueOrThrow({ where: { id: d.id }, include: withRelease });
  return deploymentView(row, await userNames(db, [row.createdBy]));
}
