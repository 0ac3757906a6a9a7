import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { rotateWebhookSecret } from "@/server/repository/rotate-webhook-secret";

export const dynamic = "force-dynamic";

export const POST = handle(ROUTES.rotateWebhookSecret, async ({ caller, team, params }) =>
  rotateWebhookSecret(appDeps(), caller, team, params.app ?? "", env().publicUrl),
);
