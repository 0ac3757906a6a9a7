import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { drainHost } from "@/server/hosts/drain-host";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.drainHost, async ({ caller, params, body }) => {
  const deps = appDeps();
  return drainHost(deps, caller, params.id ?? "", body.draining, { staleMs: deps.settings.hostStaleMs });
});
