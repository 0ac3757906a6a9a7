import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { listAudit } from "@/server/audit/list-audit";
import { ctx } from "@/server/context";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.teamAudit, async ({ team, query }) => ({ events: await listAudit(ctx().db, { teamId: team.id, ...query }) }));
