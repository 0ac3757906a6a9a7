import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listTeams } from "@/server/teams/list-teams";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.me, async ({ caller }) => ({
  user: caller.user,
  teams: await listTeams(ctx().db, caller.user.id),
  via: caller.via,
  scopes: caller.scopes,
}));
