import { ROUTES } from "@berth/core";
import { env } from "@/env";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { createWebhook } from "@/server/webhooks/create-webhook";
import { listWebhooks } from "@/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const GET = handle(ROUTES.listWebhooks, async ({ team }) => ({ webhooks: await listWebhooks(ctx().db, team.id) }));
export const POST = handle(ROUTES.createWebhook, async ({ caller, team, body }) =>
  createWebhook(ctx().db, { encryptionKey: env().BERTH_ENCRYPTION_KEY, publicUrl: env().publicUrl }, caller, team, body),
);
