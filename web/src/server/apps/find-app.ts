// Loads one of the team's apps by name; every app operation starts here, so a name from
// another team is simply "not found".
import { type AppConfig, AppError, appConfig, DEFAULT_APP_CONFIG } from "@berth/core";
import type { App, Db } from "@berth/db";

export async function findApp(db: Db, teamId: string, name: string): Promise<App> {
  const app = await db.app.findUnique({ where: { teamId_name: { teamId, name } } });
  if (!app) throw new AppError("NOT_FOUND", `app "${name}" not found`);
  return app;
}

/** The app's stored config with today's defaults filled in. */
export function storedConfig(json: unknown): AppConfig {
  const parsed = appConfig.safeParse(json ?? {});
  return parsed.success ? parsed.data : DEFAULT_APP_CONFIG;
}
