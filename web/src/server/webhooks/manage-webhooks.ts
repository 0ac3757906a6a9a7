// Listing and removing a team's webhooks, and reading a webhook's deliveries. Every query is
// scoped by the team id, so another team's webhook id is simply not found.
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import { recordAudit } from "../audit/record-audit.ts";
import type { TeamContext } from "../auth/authorize.ts";
import type { Caller } from "../auth/caller.ts";
import { deliveryView, webhookView } from "./webhook-view.ts";

export async function listWebhooks(db: Db, teamId: string) {
  return (await db.webhook.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } })).map(webhookView);
}

export async function deleteWebhook(db: Db, caller: Caller, team: TeamContext, id: string): Promise<void> {
  const { count } = await db.webhook.deleteMany({ where: { id, teamId: team.id } });
  if (count === 0) throw new AppError("NOT_FOUND", "no such webhook");
  await recordAudit(db, { action: "webhook.deleted", actorId: caller.user.id, teamId: team.id, target: id, ipAddress: caller.ip });
}

export async function listDeliveries(db: Db, teamId: string, webhookId: string) {
  const hook = await db.webhook.findFirst({ where: { id: webhookId, teamId }, select: { id: true } });
  if (!hook) throw new AppError("NOT_FOUND", "no such webhook");
  return (await db.webhookDelivery.findMany({ where: { webhookId }, orderBy: { createdAt: "desc" }, take: 100 })).map(deliveryView);
}
