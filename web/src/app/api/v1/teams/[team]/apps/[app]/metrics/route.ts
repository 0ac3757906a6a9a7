import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { getAppMetrics } from "@/server/metrics/get-app-metrics";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getAppMetrics, async ({ team, params, query }) => getAppMetrics(ctx(), team, params.app ?? "", query));
