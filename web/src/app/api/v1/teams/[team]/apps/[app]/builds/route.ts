import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { uploadBuild } from "@/server/deployments/upload-build";

export const dynamic = "force-dynamic";

// The body is the raw build context (no `body` schema in the route, so handle() leaves it unread).
export const POST = handle(ROUTES.uploadBuild, async ({ caller, team, params, req }) => uploadBuild(appDeps(), caller, team, params.app ?? "", req));
