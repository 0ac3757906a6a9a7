import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { listHosts } from "@/server/hosts/list-hosts";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listHosts, async () => ({ hosts: await listHosts(ctx().db, { staleMs: env().BERTH_HOST_STALE_MS }) }));
