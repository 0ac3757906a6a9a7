import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { deleteWebhook } from "@/server/webhooks/manage-webhooks";

export const dynamic = "force-dynamic";

export const DELETE = handle(ROUTES.deleteWebhook, async ({ caller, team, params }) => deleteWebhook(ctx().db, caller, team, params.id ?? ""));
