import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { addDomain } from "@/server/apps/add-domain";
import { appDeps } from "@/server/apps/app-deps";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.addDomain, async ({ caller, team, params, body }) => addDomain(appDeps(), caller, team, params.app ?? "", body.hostname));
