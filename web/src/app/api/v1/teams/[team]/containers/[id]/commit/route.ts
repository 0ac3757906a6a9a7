import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { commitContainer } from "@/server/containers/commit-container";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.commitContainer, async ({ caller, team, params, body }) => commitContainer(appDeps(), caller, team, params.id ?? "", body));
