import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { removeDomain } from "@/server/apps/remove-domain";

export const dynamic = "force-dynamic";

export const DELETE = handle(ROUTES.removeDomain, async ({ caller, team, params }) =>
  removeDomain(appDeps(), caller, team, params.app ?? "", params.hostname ?? ""),
);
