import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { ctx } from "@/server/context";
import { deleteTeam } from "@/server/teams/delete-team";
import { teamView } from "@/server/teams/team-view";
import { updateTeam } from "@/server/teams/update-team";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getTeam, async ({ team }) => teamView(team, team.role));
export const PATCH = handle(ROUTES.updateTeam, async ({ caller, team, body }) => updateTeam(ctx().db, caller, team, body));
export const DELETE = handle(ROUTES.deleteTeam, async ({ caller, team }) => deleteTeam(appDeps(), caller, team));
