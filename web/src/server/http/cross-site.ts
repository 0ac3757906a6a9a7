// What keeps other sites out, decided once for every entry point (Next's routes through
// api/handle.ts, socket.io's handshake, web/server.ts for every request):
//   - the Host must be one Berth serves (its public URL's, or localhost/127.0.0.1 on its own ports),
//     so a name rebound to 127.0.0.1 by a hostile page (DNS rebinding) reaches nothing;
//   - a request sent with Berth's session cookie that changes something must not come from another
//     site. Browsers add Origin to every POST, PUT, PATCH and DELETE and to WebSocket handshakes
//     (and Sec-Fetch-Site besides), and a page can neither forge nor remove them, so a cross-site
//     form (any content type, with or without a body) is refused whatever it carries; this makes a
//     JSON content-type rule unnecessary. A request with none of these headers comes from no browser
//     (scripts, tests, curl) and is let through, as Go's http.CrossOriginProtection does. An access
//     token (Authorization: Bearer) is never sent by a browser on its own, so token calls are exempt.
import { AppError } from "@berth/core";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type SitePolicy = { origins: ReadonlySet<string>; hosts: ReadonlySet<string> };

/** The policy for a set of trusted origins (web/src/env.ts: the public URL, and localhost/127.0.0.1 on web's and Caddy's ports). */
export function sitePolicy(trustedOrigins: readonly string[]): SitePolicy {
  const urls = trustedOrigins.map((o) => new URL(o));
  return { origins: new Set(urls.map((u) => u.origin)), hosts: new Set(urls.map((u) => u.host.toLowerCase())) };
}

/** Whether a request's Host header names this Berth. */
export function hostAllowed(policy: SitePolicy, host: string | null | undefined): boolean {
  return typeof host === "string" && policy.hosts.has(host.toLowerCase());
}

/** The origin a browser says a request comes from: Origin, else Referer's; "null" for an opaque one; null when it says nothing. */
export function requestOrigin(headers: Headers): string | null {
  const origin = headers.get("origin");
  if (origin) return origin;
  const referer = headers.get("referer");
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return "null";
  }
}

/** Whether a browser's request says it comes from somewhere else (a missing Origin is not: non-browser clients send none). */
export function foreignOrigin(policy: SitePolicy, headers: Headers): string | null {
  const origin = requestOrigin(headers);
  return origin !== null && !policy.origins.has(origin) ? origin : null;
}

/** Throws FORBIDDEN for a cookie-authenticated mutation that a browser sent from another site. */
export function refuseCrossSite(policy: SitePolicy, req: { method: string; headers: Headers }): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  if (req.headers.has("authorization") || !req.headers.has("cookie")) return;
  const origin = requestOrigin(req.headers);
  if (origin === null) {
    const site = req.headers.get("sec-fetch-site");
    if (site === "cross-site" || site === "same-site") throw new AppError("FORBIDDEN", "cross-site request refused: it does not come from Berth's pages");
    return;
  }
  if (!policy.origins.has(origin)) throw new AppError("FORBIDDEN", `cross-site request refused: ${origin} is not this Berth's address`);
}
