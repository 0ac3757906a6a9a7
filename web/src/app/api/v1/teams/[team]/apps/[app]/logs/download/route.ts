import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { downloadAppLogs } from "@/server/logs/download-app-logs";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.downloadAppLogs, async ({ team, params, query }) => downloadAppLogs(ctx(), team, params.app ?? "", query));
