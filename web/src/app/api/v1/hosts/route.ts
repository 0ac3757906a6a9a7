import { env } from "@/env";
import { requireUser } from "@/server/auth/session";
import { ctx } from "@/server/context";
import { listHosts } from "@/server/hosts/list-hosts";
import { route } from "@/server/http/handle";

export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  await requireUser(req.headers);
  return Response.json({ hosts: await listHosts(ctx().db, { staleMs: env().BERTH_HOST_STALE_MS }) });
});
