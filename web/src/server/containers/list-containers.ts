import type { Db } from "@berth/db";
import { findApp } from "../apps/find-app.ts";
import type { TeamContext } from "../auth/authorize.ts";
import { containerViews } from "./container-view.ts";

export async function listContainers(db: Db, team: TeamContext, query: { app?: string }) {
  const app = query.app ? await findApp(db, team.id, query.app) : null;
  const rows = await db.container.findMany({
    where: { teamId: team.id, ...(app ? { appId: app.id } : {}) },
    include: { app: { select: { name: true } } },
    orderBy: [{ name: "asc" }, { hostId: "asc" }],
    take: 1000,
  });
  return { containers: await containerViews(db, rows) };
}
