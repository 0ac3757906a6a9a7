import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listDeliveries } from "@/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listDeliveries, async ({ team, params }) => ({ deliveries: await listDeliveries(ctx().db, team.id, params.id ?? "") }));
