import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { teamUsage } from "@/server/images/team-usage";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.teamUsage, async ({ team }) => teamUsage(ctx(), team));
