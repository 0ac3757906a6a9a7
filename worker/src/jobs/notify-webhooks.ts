// Fans one team event out to the team's active webhooks: a delivery row each (the history the
// dashboard shows), then a delivery job each.
import type { JobContext } from "./context.ts";

export async function notifyWebhooks(ctx: JobContext, teamId: string, event: string, data: Record<string, unknown>): Promise<void> {
  const hooks = await ctx.db.webhook.findMany({ where: { teamId, active: true, events: { has: event } }, select: { id: true } });
  for (const hook of hooks) {
    const delivery = await ctx.db.webhookDelivery.create({ data: { webhookId: hook.id, event, payload: { event, ...data } } });
    await ctx.enqueue(
      "webhookDeliver",
      { version: 1, deliveryId: delivery.id },
      { jobId: `webhook-${delivery.id}`, attempts: 5, backoff: { type: "exponential", delay: 500 } },
    );
  }
}
