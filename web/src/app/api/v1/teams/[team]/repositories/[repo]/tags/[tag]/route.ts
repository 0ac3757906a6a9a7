import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { deleteTag } from "@/server/images/delete-tag";
import { getTag } from "@/server/images/get-tag";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getTag, async ({ team, params }) => getTag(ctx(), team, params.repo ?? "", params.tag ?? ""));
export const DELETE = handle(ROUTES.deleteTag, async ({ caller, team, params }) => deleteTag(ctx(), caller, team, params.repo ?? "", params.tag ?? ""));
