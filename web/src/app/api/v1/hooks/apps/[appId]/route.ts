import { ROUTES } from "@berth/core";
import { handle } from "@/server/api/handle";
import { appDeps } from "@/server/apps/app-deps";
import { clientIp } from "@/server/limits/client-ip";
import { readRawBody, repoWebhook } from "@/server/repository/repo-webhook";

export const dynamic = "force-dynamic";

// Public: the body's HMAC signature is the authentication (checked before anything else is read from it).
export const POST = handle(ROUTES.repoWebhook, async ({ req, params }) => {
  const body = await readRawBody(req);
  const out = await repoWebhook(appDeps(), { appId: params.appId ?? "", headers: req.headers, body, ip: clientIp(req.headers) });
  return Response.json(out.body, { status: out.status, headers: { "cache-control": "no-store" } });
});
