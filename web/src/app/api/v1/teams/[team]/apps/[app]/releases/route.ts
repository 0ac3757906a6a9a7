import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listReleases } from "@/server/releases/list-releases";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listReleases, async ({ team, params }) => listReleases(ctx().db, team, params.app ?? ""));
