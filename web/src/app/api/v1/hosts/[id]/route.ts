import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { getHost } from "@/server/hosts/get-host";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.getHost, async ({ params }) => getHost(ctx().db, params.id ?? "", { staleMs: env().BERTH_HOST_STALE_MS }));
