// Turns a route definition from @berth/core's ROUTES and a domain call into a Next.js route
// handler: refuse cross-site cookie mutations (http/cross-site.ts), resolve the caller, authorize,
// validate params/body/query, call, map errors.
import { AppError, isAppError, type RouteDef } from "@berth/core";
import type { z } from "zod";
import { env } from "../../env.ts";
import { authorize, type TeamContext } from "../auth/authorize.ts";
import { type Caller, resolveCaller } from "../auth/caller.ts";
import { ctx } from "../context.ts";
import { refuseCrossSite, type SitePolicy, sitePolicy } from "../http/cross-site.ts";
import { readJsonBody } from "./read-body.ts";

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export type HandlerInput<R extends RouteDef> = {
  req: Request;
  caller: R["access"] extends { kind: "public" } ? Caller | null : Caller;
  team: R["access"] extends { kind: "team" } ? TeamContext : null;
  params: Record<string, string>;
  body: Infer<R["body"]>;
  query: Infer<R["query"]>;
};

type NextContext = { params: Promise<Record<string, string | string[]>> };

let site: SitePolicy | undefined;
const policy = () => {
  site ??= sitePolicy(env().trustedOrigins);
  return site;
};

export function handle<R extends RouteDef>(def: R, fn: (input: HandlerInput<R>) => Promise<unknown>) {
  return async (req: Request, next?: NextContext): Promise<Response> => {
    try {
      refuseCrossSite(policy(), req);
      const raw = (await next?.params) ?? {};
      const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      const deps = ctx();
      const caller = def.access.kind === "public" ? await resolveCaller(deps, req.headers).catch(() => null) : await resolveCaller(deps, req.headers);
      const team = await authorize(deps.db, def.access, caller, params);
      const body = def.body ? parse(def.body, (await readJsonBody(req)) ?? {}, "body") : undefined;
      const query = def.query ? parse(def.query, Object.fromEntries(new URL(req.url).searchParams), "query") : undefined;
      const result = await fn({ req, caller, team, params, body, query } as HandlerInput<R>);
      if (result instanceof Response) return result;
      if (def.status === 204) return new Response(null, { status: 204 });
      return Response.json(result, { status: def.status, headers: { "cache-control": "no-store" } });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: i.path.join(".") || where,
    message: i.code === "unrecognized_keys" ? `unknown field(s): ${i.keys.join(", ")}` : i.message,
  }));
  throw new AppError("BAD_REQUEST", `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
}

export function errorResponse(err: unknown): Response {
  if (isAppError(err)) {
    const details = err.details as { issues?: unknown; retryAfter?: number } | undefined;
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (details?.retryAfter) headers["retry-after"] = String(details.retryAfter);
    return Response.json(
      { error: { code: err.code, message: err.message, ...(details?.issues ? { issues: details.issues } : {}) } },
      { status: err.status, headers },
    );
  }
  ctx().log.error({ err }, "unhandled error in API route");
  return Response.json({ error: { code: "INTERNAL", message: "internal error" } }, { status: 500 });
}
