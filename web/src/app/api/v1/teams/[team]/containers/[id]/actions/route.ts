import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { containerAction } from "@/server/containers/container-action";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.containerAction, async ({ caller, team, params, body }) =>
  containerAction(appDeps(), caller, team, params.id ?? "", body.action),
);
