import type { Db } from "@berth/db";
import type { TeamContext } from "../auth/authorize.ts";
import type { AppSettings } from "./app-deps.ts";
import { oneAppView } from "./app-view.ts";
import { findApp } from "./find-app.ts";

export async function getApp(db: Db, settings: AppSettings, team: TeamContext, name: string) {
  return oneAppView(db, settings, team.slug, await findApp(db, team.id, name));
}
