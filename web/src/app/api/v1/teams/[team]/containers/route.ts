import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { listContainers } from "@/server/containers/list-containers";
import { ctx } from "@/server/context";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listContainers, async ({ team, query }) => listContainers(ctx().db, team, query));
