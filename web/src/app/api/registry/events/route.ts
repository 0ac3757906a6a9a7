// Registry notifications (distribution's `notifications.endpoints`): authenticated by a shared
// secret header; the body is `application/vnd.docker.distribution.events.v1+json`.
import { timingSafeEqual } from "node:crypto";
import { AppError } from "@berth/core";
import { env } from "@/env";
import { errorResponse } from "@/server/api/handle";
import { ctx } from "@/server/context";
import { recordEvents, registryEnvelope } from "@/server/registry/record-events";

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
    const raw = await req.text();
    if (raw.length > MAX_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "notification body too large");
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError("BAD_REQUEST", "notification body is not JSON");
    }
    const parsed = registryEnvelope.safeParse(json);
    if (!parsed.success) throw new AppError("BAD_REQUEST", `not a registry event envelope: ${parsed.error.issues[0]?.message ?? ""}`);
    const { db, redis, registry, log } = ctx();
    const result = await recordEvents({ db, redis, registry }, parsed.data.events);
    log.debug(result, "registry events");
    return Response.json(result);
  } catch (err) {
    return errorResponse(err);
  }
}
