import type { webhook, webhookDelivery } from "@berth/core";
import type { Webhook, WebhookDelivery } from "@berth/db";
import type { z } from "zod";

export const webhookView = (w: Webhook): z.infer<typeof webhook> => ({
  id: w.id,
  url: w.url,
  events: w.events as z.infer<typeof webhook>["events"],
  active: w.active,
  createdAt: w.createdAt.toISOString(),
});

export const deliveryView = (d: WebhookDelivery): z.infer<typeof webhookDelivery> => ({
  id: d.id,
  event: d.event,
  status: d.status as z.infer<typeof webhookDelivery>["status"],
  responseCode: d.responseCode,
  error: d.error,
  attempts: d.attempts,
  createdAt: d.createdAt.toISOString(),
  finishedAt: d.finishedAt?.toISOString() ?? null,
});
