// Runs before every page request. Only an optimistic check (is there a session cookie?) to send
// visitors to sign-in with the page they wanted; pages and route handlers do the real check.
import { getSessionCookie } from "better-auth/cookies";
import { type NextRequest, NextResponse } from "next/server";
import { safeNext } from "@/lib/safe-next";

export function proxy(req: NextRequest) {
  if (getSessionCookie(req, { cookiePrefix: "berth" })) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/sign-in";
  const next = safeNext(req.nextUrl.pathname + req.nextUrl.search);
  url.search = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

// Everything but sign-in, sign-up, the APIs (they answer 401 JSON themselves), sockets and static files.
export const config = { matcher: ["/((?!sign-in|sign-up|api/|socket.io|_next/|favicon.ico).*)"] };
