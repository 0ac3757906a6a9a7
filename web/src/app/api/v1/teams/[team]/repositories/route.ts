import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listRepositories } from "@/server/images/list-repositories";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listRepositories, async ({ team }) => ({ repositories: await listRepositories(ctx().db, team) }));
