// The Docker registry token endpoint (distribution's auth.token realm). GET with `service`,
// repeated `scope`, optional `account`, and Basic credentials (or none, for anonymous pulls).
import { AppError, isAppError } from "@berth/core";
import { env } from "@/env";
import { ctx } from "@/server/context";
import { clientIp } from "@/server/limits/client-ip";
import { authenticateBasic, parseBasic } from "@/server/registry/authenticate-basic";
import { issueRegistryToken } from "@/server/registry/issue-token";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const deps = ctx();
  try {
    const url = new URL(req.url);
    const service = url.searchParams.get("service");
    if (service !== env().BERTH_REGISTRY_SERVICE) throw new AppError("BAD_REQUEST", `unknown service "${service ?? ""}"`);
    const creds = parseBasic(req.headers.get("authorization"));
    const who = creds ? await authenticateBasic(deps, creds, clientIp(req.headers)) : null;
    const { grants, ...body } = await issueRegistryToken(deps, deps.registryKeys(), { service, who, scopes: url.searchParams.getAll("scope") });
    deps.log.debug({ user: who?.username ?? "anonymous", grants }, "registry token issued");
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (!isAppError(err)) deps.log.error({ err }, "registry token endpoint failed");
    const e = isAppError(err) ? err : new AppError("INTERNAL", "internal error");
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (e.status === 401) headers["www-authenticate"] = 'Basic realm="berth"';
    // The shape the docker CLI prints: `errors[].message`, after the code in the registry's own
    // vocabulary (`denied: team … is over its storage quota …`).
    const code = e.code === "FORBIDDEN" ? "DENIED" : e.code;
    return Response.json({ errors: [{ code, message: e.message }] }, { status: e.status, headers });
  }
}
