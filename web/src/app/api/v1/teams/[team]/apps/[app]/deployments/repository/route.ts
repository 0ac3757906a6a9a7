import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { deployRepository } from "@/server/repository/deploy-repository";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.deployRepository, async ({ caller, team, params, body }) =>
  deployRepository(appDeps(), caller, team, params.app ?? "", body),
);
