import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { createApp } from "@/server/apps/create-app";
import { listApps } from "@/server/apps/list-apps";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listApps, async ({ team }) => {
  const deps = appDeps();
  return listApps(deps.db, deps.settings, team);
});
export const POST = handle(ROUTES.createApp, async ({ caller, team, body }) => createApp(appDeps(), caller, team, body));
