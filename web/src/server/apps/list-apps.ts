import type { Db } from "@berth/db";
import type { TeamContext } from "../auth/authorize.ts";
import type { AppSettings } from "./app-deps.ts";
import { appViews } from "./app-view.ts";

export async function listApps(db: Db, settings: AppSettings, team: TeamContext) {
  const apps = await db.app.findMany({ where: { teamId: team.id }, orderBy: { name: "asc" } });
  return { apps: await appViews(db, settings, team.slug, apps) };
}
