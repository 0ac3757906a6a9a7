import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { createTeam } from "@/server/teams/create-team";
import { listTeams } from "@/server/teams/list-teams";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listTeams, async ({ caller }) => ({ teams: await listTeams(ctx().db, caller.user.id) }));
export const POST = handle(ROUTES.createTeam, async ({ caller, body }) => createTeam(ctx().db, caller, body));
