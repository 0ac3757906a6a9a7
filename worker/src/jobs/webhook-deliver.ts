// POSTs one webhook delivery, signed like GitHub's: X-Berth-Signature-256 = "sha256=" + HMAC-SHA256
// of the raw body with the webhook's secret. A non-2xx answer or a network error throws, so
// BullMQ retries with backoff; each attempt is recorded on the delivery row. The URL passes the
// outbound policy again at each attempt (its name may resolve elsewhere now) and the request goes
// to the address that was checked; a redirect is an answer like any other 3xx, never followed.
// A refused destination fails the delivery at once, with the policy's message.
import { createHmac } from "node:crypto";
import { checkDestination, type Destination, isUnresolved } from "@berth/control/outbound/check-destination";
import { loadOutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { sendPinned } from "@berth/control/outbound/send-pinned";
import type { JobPayload } from "@berth/core";
import { AppError } from "@berth/core/errors";
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
  let dest: Destination | undefined;
  try {
    dest = await checkDestination(await loadOutboundPolicy(ctx.db, { publicUrl: ctx.config.BERTH_PUBLIC_URL }), delivery.webhook.url);
  } catch (err) {
    // A name that does not resolve right now is tried again like a failed connection.
    if (isUnresolved(err)) error = (err as Error).message;
    else if (!(err instanceof AppError)) throw err;
    else {
      await ctx.db.webhookDelivery.update({
        where: { id: delivery.id },
        data: { attempts: { increment: 1 }, responseCode: null, error: err.message, status: "failed", finishedAt: new Date() },
      });
      ctx.log.warn({ deliveryId: delivery.id, webhookId: delivery.webhookId }, "webhook destination refused by the outbound policy");
      return;
    }
  }
  if (dest)
    try {
      const res = await sendPinned(dest, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Berth-Webhook/1",
          "x-berth-event": delivery.event,
          "x-berth-delivery": delivery.id,
          "x-berth-signature-256": `sha256=${signature}`,
        },
        body,
        timeoutMs: TIMEOUT_MS,
        maxBodyBytes: 0,
      });
      responseCode = res.status;
      if (res.status >= 300 && res.status < 400) error = `HTTP ${res.status}: Berth does not follow redirects; use the final URL`;
      else if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      const code = (err as { code?: string }).code;
      error = code ? `could not deliver to ${dest.url.host} (${code})` : `could not deliver to ${dest.url.host}: ${(err as Error).message}`;
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
  if (!done) throw new Error(`webhook delivery ${delivery.id} failed: ${error}`);
}
