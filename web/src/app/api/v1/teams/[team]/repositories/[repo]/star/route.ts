import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { setStar } from "@/server/images/star-repository";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.starRepository, async ({ caller, team, params }) => setStar(ctx().db, caller.user.id, team.id, params.repo ?? "", true));
export const DELETE = handle(ROUTES.unstarRepository, async ({ caller, team, params }) => setStar(ctx().db, caller.user.id, team.id, params.repo ?? "", false));
