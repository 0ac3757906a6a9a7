// Registry notifications (distribution's `notifications.endpoints`): authenticated by a shared
// secret header; the body is `application/vnd.docker.distribution.events.v1+json`. Each event
// becomes a job for the worker (which owns the image tables), keyed by the event id so a
// re-delivered event collapses into the first.
import { timingSafeEqual } from "node:crypto";
import { AppError, JOBS, registryEnvelope } from "@berth/core";
import { registryEventJobId } from "@berth/core/registry/event-job-id";
import { env } from "@/env";
import { errorResponse } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { queue } from "@/server/queues";

export const dynamic = "force-dynamic";

const MAX_BYTES = 1024 * 1024;

function authorized(header: string | null): boolean {
  const expected = Buffer.from(`Bearer ${env().BERTH_REGISTRY_NOTIFY_SECRET}`);
  const got = Buffer.from(header ?? "");
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function POST(req: Request): Promise<Response> {
  try {
    if (!authorized(req.headers.get("authorization"))) throw new AppError("UNAUTHENTICATED", "bad notification secret");
    if (Number(req.headers.get("content-length") ?? 0) > MAX_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "notification body too large");
    const raw = await req.text();
    if (Buffer.byteLength(raw, "utf8") > MAX_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "notification body too large");
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError("BAD_REQUEST", "notification body is not JSON");
    }
    const parsed = registryEnvelope.safeParse(json);
    if (!parsed.success) throw new AppError("BAD_REQUEST", `not a registry event envelope: ${parsed.error.issues[0]?.message ?? ""}`);
    const q = queue(JOBS.registryEvent.queue);
    await q.addBulk(
      parsed.data.events.map((event) => ({
        name: JOBS.registryEvent.name,
        data: { version: 1 as const, event },
        opts: {
          jobId: registryEventJobId(event.id),
          attempts: 5,
          backoff: { type: "exponential", delay: 500 },
          removeOnComplete: { age: 86_400 },
          removeOnFail: { age: 7 * 86_400 },
        },
      })),
    );
    return Response.json({ queued: parsed.data.events.length });
  } catch (err) {
    if (!(err instanceof AppError)) ctx().log.error({ err }, "registry notification failed");
    return errorResponse(err);
  }
}
