// Resolves who is calling from a request's headers: a Bearer access token, or the session
// cookie. Every API route and socket goes through here.
import { AppError, isAppError, type Scope } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { clientIp } from "../limits/client-ip.ts";
import { consume, LIMITS, refuseIfExhausted } from "../limits/rate-limit.ts";
import { verifyToken } from "../tokens/verify-token.ts";
import type { Auth } from "./auth.ts";

export type CallerUser = { id: string; email: string; name: string; username: string | null; role: "admin" | "user" };
export type Caller = {
  user: CallerUser;
  via: "session" | "token";
  /** The token's scopes; null for a browser session (which has the user's full reach). */
  scopes: Scope[] | null;
  ip: string;
};

type Deps = { db: Db; auth: Auth; redis: Redis };

export const toUser = (u: { id: string; email: string; name: string; username?: string | null; role?: string | null }): CallerUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  username: u.username ?? null,
  role: u.role === "admin" ? "admin" : "user",
});

export async function resolveCaller(deps: Deps, headers: Headers): Promise<Caller | null> {
  const ip = clientIp(headers);
  const authorization = headers.get("authorization");
  if (authorization) {
    const [kind, secret] = authorization.split(/\s+/, 2);
    if (kind?.toLowerCase() !== "bearer" || !secret) throw new AppError("UNAUTHENTICATED", "the Authorization header must be `Bearer <access token>`");
    // Guessing tokens from one address is cut off before any lookup.
    await refuseIfExhausted(deps.redis, LIMITS.badTokenPerIp(ip), "too many invalid access tokens from your address; wait a minute");
    try {
      const verified = await verifyToken(deps.db, secret);
      const user = await deps.db.user.findUnique({ where: { id: verified.userId } });
      if (!user) throw new AppError("UNAUTHENTICATED", "the token's user no longer exists");
      return { user: toUser(user), via: "token", scopes: verified.scopes, ip };
    } catch (err) {
      if (isAppError(err) && err.code === "UNAUTHENTICATED") await consume(deps.redis, LIMITS.badTokenPerIp(ip), "invalid access tokens").catch(() => {});
      throw err;
    }
  }
  const session = await deps.auth.api.getSession({ headers });
  if (!session) return null;
  return { user: toUser(session.user), via: "session", scopes: null, ip };
}
