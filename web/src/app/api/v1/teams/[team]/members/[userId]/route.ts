import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { changeRole } from "@/server/members/change-role";
import { removeMember } from "@/server/members/remove-member";

export const dynamic = "force-dynamic";

export const PATCH = handle(ROUTES.updateMember, async ({ caller, team, params, body }) => changeRole(ctx(), caller, team, params.userId ?? "", body.role));
export const DELETE = handle(ROUTES.removeMember, async ({ caller, team, params }) =>
  removeMember(ctx(), caller, team, params.userId ?? "", { leaving: false }),
);
