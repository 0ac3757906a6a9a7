import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { cancelDeployment } from "@/server/deployments/cancel-deployment";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.cancelDeployment, async ({ caller, team, params }) =>
  cancelDeployment(appDeps(), caller, team, params.app ?? "", params.id ?? ""),
);
