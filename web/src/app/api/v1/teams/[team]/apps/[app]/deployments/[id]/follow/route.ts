import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { streamDeployment } from "@/server/deployments/stream-deployment";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.followDeployment, async ({ req, team, params, query }) =>
  streamDeployment(ctx(), team, params.app ?? "", params.id ?? "", query, req.signal),
);
