import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { ctx } from "@/server/context";
import { createDeployment } from "@/server/deployments/create-deployment";
import { listDeployments } from "@/server/deployments/list-deployments";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listDeployments, async ({ team, params }) => listDeployments(ctx().db, team, params.app ?? ""));
export const POST = handle(ROUTES.createDeployment, async ({ caller, team, params, body }) =>
  createDeployment(appDeps(), caller, team, params.app ?? "", body),
);
