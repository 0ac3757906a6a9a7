import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { removeMember } from "@/server/members/remove-member";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.leaveTeam, async ({ caller, team }) => removeMember(ctx(), caller, team, caller.user.id, { leaving: true }));
