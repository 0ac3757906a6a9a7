import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listMembers } from "@/server/members/list-members";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listMembers, async ({ team }) => ({ members: await listMembers(ctx().db, team.id) }));
