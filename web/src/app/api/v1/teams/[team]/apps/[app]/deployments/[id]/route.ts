import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { getDeployment } from "@/server/deployments/list-deployments";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getDeployment, async ({ team, params }) => getDeployment(ctx().db, team, params.app ?? "", params.id ?? ""));
