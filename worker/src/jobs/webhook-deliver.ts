// POSTs one webhook delivery, signed like GitHub's: X-Berth-Signature-256 = "sha256=" + HMAC-SHA256
// of the raw body with the webhook's secret. A non-2xx answer or a network error throws, so
// BullMQ retries with backoff; each attempt is recorded on the delivery row.
import { createHmac } from "node:crypto";
import type { JobPayload } from "@berth/core";
import { open } from "@berth/core/secret-box";
import type { JobContext } from "./context.ts";

const TIMEOUT_MS = 10_000;

export async function webhookDeliver(payload: JobPayload<"webhookDeliver">, ctx: JobContext): Promise<void> {
  const delivery = await ctx.db.webhookDelivery.findUnique({ where: { id: payload.deliveryId }, include: { webhook: true } });
  if (!delivery || delivery.status === "delivered") return; // deleted webhook, or already done
  const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) });
  const signature = createHmac("sha256", open(ctx.encryptionKey, delivery.webhook.secret)).update(body).digest("hex");

  let responseCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(delivery.webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Berth-Webhook/1",
        "x-berth-event": delivery.event,
        "x-berth-delivery": delivery.id,
        "x-berth-signature-256": `sha256=${signature}`,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    responseCode = res.status;
    await res.body?.cancel();
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = (err as Error).message;
  }
  const done = error === null;
  await ctx.db.webhookDelivery.update({
    where: { id: delivery.id },
    data: {
      attempts: { increment: 1 },
      responseCode,
      error,
      status: done ? "delivered" : ctx.attempt.final ? "failed" : "pending",
      finishedAt: done || ctx.attempt.final ? new Date() : null,
    },
  });
  if (!done) throw new Error(`webhook delivery to ${delivery.webhook.url} failed: ${error}`);
}
