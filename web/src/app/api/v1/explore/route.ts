import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { explorePublic } from "@/server/images/list-repositories";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.explore, async ({ query }) => ({ repositories: await explorePublic(ctx().db, query.q) }));
