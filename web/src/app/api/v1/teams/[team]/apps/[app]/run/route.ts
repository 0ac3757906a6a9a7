import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { runCommand } from "@/server/containers/run-command";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.runCommand, async ({ caller, team, params, body }) => runCommand(appDeps(), caller, team, params.app ?? "", body));
