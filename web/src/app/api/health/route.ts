import { env } from "@/env";
import { ctx } from "@/server/context";
import { stackHealth } from "@/server/health/check-health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await stackHealth(ctx(), env());
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
