import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { deleteApp } from "@/server/apps/delete-app";
import { getApp } from "@/server/apps/get-app";
import { updateApp } from "@/server/apps/update-app";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getApp, async ({ team, params }) => {
  const deps = appDeps();
  return getApp(deps.db, deps.settings, team, params.app ?? "");
});
export const PATCH = handle(ROUTES.updateApp, async ({ caller, team, params, body }) => updateApp(appDeps(), caller, team, params.app ?? "", body));
export const DELETE = handle(ROUTES.deleteApp, async ({ caller, team, params }) => deleteApp(appDeps(), caller, team, params.app ?? ""));
