// The dashboard's browser client for /api/v1: one typed call per route in @berth/core's ROUTES,
// sent with the session cookie (same origin). Failures become an ApiError carrying the API's code.
import { type Body, type Reply, ROUTES, type RouteName, routePath } from "@berth/core";

export type ApiIssue = { path: string; message: string };

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly issues: ApiIssue[];
  constructor(code: string, message: string, status: number, issues: ApiIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.issues = issues;
  }
}

export type CallOptions<N extends RouteName> = {
  /** Values for the `{name}` placeholders of the route's path. */
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
} & ([Body<N>] extends [never] ? { body?: never } : { body: Body<N> });

export async function api<N extends RouteName>(name: N, ...[opts]: [Body<N>] extends [never] ? [CallOptions<N>?] : [CallOptions<N>]): Promise<Reply<N>> {
  const def = ROUTES[name];
  const url = new URL(routePath(def.path, opts?.params), window.location.origin);
  for (const [k, v] of Object.entries(opts?.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const hasBody = opts?.body !== undefined;
  let res: Response;
  try {
    res = await fetch(url, {
      method: def.method,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(hasBody ? { "content-type": "application/json" } : {}) },
      body: hasBody ? JSON.stringify(opts?.body) : undefined,
      cache: "no-store",
    });
  } catch {
    throw new ApiError("NETWORK", "could not reach the server; check your connection and try again", 0);
  }
  const text = await res.text();
  const json = parseJson(text);
  if (!res.ok) throw toApiError(res.status, json);
  return (res.status === 204 || text === "" ? undefined : json) as Reply<N>;
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(status: number, json: unknown): ApiError {
  const err = (json as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  if (err && typeof err.code === "string" && typeof err.message === "string") {
    return new ApiError(err.code, err.message, status, Array.isArray(err.issues) ? (err.issues as ApiIssue[]) : []);
  }
  // Not one of the API's own answers (a proxy error page, a crashed process).
  return new ApiError(status === 401 ? "UNAUTHENTICATED" : "HTTP_ERROR", `the server answered HTTP ${status}`, status);
}

/** A message fit for a person: rate limits and sign-outs get a hint on what to do. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : "something went wrong";
  switch (err.code) {
    case "UNAUTHENTICATED":
      return "Your session has ended; sign in again.";
    case "RATE_LIMITED":
      return `Too many requests: ${err.message}`;
    default:
      return err.message.charAt(0).toUpperCase() + err.message.slice(1);
  }
}
