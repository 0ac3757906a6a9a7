import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { getDeploymentLog } from "@/server/deployments/get-deployment-log";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getDeploymentLog, async ({ team, params, query }) => getDeploymentLog(ctx(), team, params.app ?? "", params.id ?? "", query));
