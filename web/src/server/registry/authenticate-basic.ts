// Basic credentials as `docker login`, skopeo and git send them: a username (or email) with
// either the account password or a personal access token.
import { AppError, type Scope, tokenFormat } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import type { Auth } from "../auth/auth.ts";
import { countPasswordFailure, refusePasswordAttempt } from "../limits/password-attempts.ts";
import { consume, LIMITS, refuseIfExhausted } from "../limits/rate-limit.ts";
import { verifyToken } from "../tokens/verify-token.ts";
import { recentlyVerified, rememberVerified } from "./password-cache.ts";

export type Principal = { userId: string; username: string | null; role: string; scopes: Scope[] | null };

export function parseBasic(header: string | null): { username: string; password: string } | null {
  if (!header?.toLowerCase().startsWith("basic ")) return null;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i <= 0) throw new AppError("UNAUTHENTICATED", "malformed Basic credentials");
  return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

export async function authenticateBasic(
  deps: { db: Db; auth: Auth; redis: Redis },
  creds: { username: string; password: string },
  ip: string,
): Promise<Principal> {
  const login = creds.username.toLowerCase();
  if (creds.password.startsWith("berth_pat_")) return authenticateToken(deps, login, creds.password, ip);

  // Passwords are limited per address (and per account from that address), never per account alone:
  // a stranger's failures elsewhere neither lock the owner out nor touch the owner's tokens.
  await refusePasswordAttempt(deps.redis, ip, login);
  const user = await deps.db.user.findFirst({ where: { OR: [{ email: login }, { username: login }] } });
  const fail = async (message: string): Promise<never> => {
    await countPasswordFailure(deps.redis, ip, login);
    throw new AppError("UNAUTHENTICATED", message);
  };
  if (!user) return fail("incorrect username or password");
  const account = await deps.db.account.findFirst({ where: { userId: user.id, providerId: "credential" } });
  if (!account?.password) return fail("incorrect username or password");
  if (!recentlyVerified(user.id, account.password, creds.password)) {
    const ctx = await deps.auth.$context;
    if (!(await ctx.password.verify({ hash: account.password, password: creds.password }))) return fail("incorrect username or password");
    rememberVerified(user.id, account.password, creds.password);
  }
  return { userId: user.id, username: user.username, role: user.role, scopes: null };
}

/** An access token as the Basic password: limited like Bearer tokens (invalid ones per address), never by password failures. */
async function authenticateToken(deps: { db: Db; redis: Redis }, login: string, secret: string, ip: string): Promise<Principal> {
  await refuseIfExhausted(deps.redis, LIMITS.badTokenPerIp(ip), "too many invalid access tokens from your address; wait a minute");
  const fail = async (message: string): Promise<never> => {
    await consume(deps.redis, LIMITS.badTokenPerIp(ip), "invalid access tokens").catch(() => {});
    throw new AppError("UNAUTHENTICATED", message);
  };
  if (!tokenFormat.test(secret)) return fail("malformed access token");
  const token = await verifyToken(deps.db, secret).catch((e: Error) => fail(e.message));
  const user = await deps.db.user.findFirst({ where: { OR: [{ email: login }, { username: login }] } });
  if (!user || token.userId !== user.id) return fail("this access token belongs to another user");
  return { userId: user.id, username: user.username, role: user.role, scopes: token.scopes };
}
