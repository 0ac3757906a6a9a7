import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { rollback } from "@/server/releases/rollback";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.rollback, async ({ caller, team, params }) => rollback(appDeps(), caller, team, params.app ?? "", params.version ?? ""));
