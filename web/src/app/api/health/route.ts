import { env } from "@/env";
import { resolveCaller } from "@/server/auth/caller";
import { ctx } from "@/server/context";
import { stackHealth } from "@/server/health/check-health";
import { healthView } from "@/server/health/health-view";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const deps = ctx();
  // A bad or missing credential is an anonymous caller here: the status is public.
  const [health, caller] = await Promise.all([stackHealth(deps, env()), resolveCaller(deps, req.headers).catch(() => null)]);
  const body = await healthView(deps.db, health, caller);
  return Response.json(body, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
