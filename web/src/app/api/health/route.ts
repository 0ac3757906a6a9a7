import { env } from "@/env";
import { ctx } from "@/server/context";
import { checkHealth } from "@/server/health/check-health";

export const dynamic = "force-dynamic";

export async function GET() {
  const e = env();
  const { db, redis } = ctx();
  const health = await checkHealth({
    db,
    redis,
    registryUrl: `http://127.0.0.1:${e.BERTH_REGISTRY_PORT}`,
    caddyAdminUrl: `http://127.0.0.1:${e.BERTH_CADDY_ADMIN_PORT}`,
    hostStaleMs: e.BERTH_HOST_STALE_MS,
  });
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
