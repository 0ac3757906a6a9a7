import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { setEnv } from "@/server/apps/set-env";

export const dynamic = "force-dynamic";

export const PATCH = handle(ROUTES.setEnv, async ({ caller, team, params, body }) => setEnv(appDeps(), caller, team, params.app ?? "", body));
