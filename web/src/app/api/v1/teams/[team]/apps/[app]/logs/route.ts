import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listAppLogs } from "@/server/logs/list-app-logs";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listAppLogs, async ({ team, params, query }) => listAppLogs(ctx(), team, params.app ?? "", query));
