// Email + password accounts through better-auth, stored by its Prisma adapter. Berth adds:
// a username (the personal namespace) validated at sign-up, a personal team for every user,
// closable sign-up, Redis-backed rate limits, and audit events for sign-ins.
import { AppError, isAppError, namespaceSlug } from "@berth/core";
import type { Db } from "@berth/db";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import type { Redis } from "ioredis";
import { recordAudit } from "../audit/record-audit.ts";
import { clientIp } from "../limits/client-ip.ts";
import { countPasswordFailure, refusePasswordAttempt } from "../limits/password-attempts.ts";
import { consume, LIMITS } from "../limits/rate-limit.ts";
import { getSettings } from "../settings/instance-settings.ts";
import { publishRightsChanged } from "./rights-changed.ts";

type Options = { db: Db; redis: Redis; secret: string; baseURL: string; trustedOrigins: string[] };

// better-auth's errors are what its endpoints return; translate Berth's codes into them.
function toApiError(err: unknown): never {
  if (isAppError(err)) {
    const status =
      err.code === "RATE_LIMITED" ? "TOO_MANY_REQUESTS" : err.code === "FORBIDDEN" ? "FORBIDDEN" : err.code === "CONFLICT" ? "CONFLICT" : "BAD_REQUEST";
    throw new APIError(status, { message: err.message, code: err.code });
  }
  throw err;
}

/** The username a new user gets: as given, or derived from the email's local part. */
export async function chooseUsername(db: Db, requested: unknown, email: string): Promise<string> {
  if (requested !== undefined && requested !== null && requested !== "") {
    const parsed = namespaceSlug.safeParse(requested);
    if (!parsed.success) throw new AppError("BAD_REQUEST", `username: ${parsed.error.issues[0]?.message ?? "invalid"} (2-39 characters)`);
    if (await namespaceTaken(db, parsed.data)) throw new AppError("CONFLICT", `the username "${parsed.data}" is taken`);
    return parsed.data;
  }
  const base =
    (email.split("@")[0] ?? "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 30) || "user";
  for (let i = 0; i < 20; i++) {
    const candidate = i === 0 && base.length >= 2 ? base : `${base}-${Math.floor(Math.random() * 10_000)}`;
    if (namespaceSlug.safeParse(candidate).success && !(await namespaceTaken(db, candidate))) return candidate;
  }
  throw new AppError("CONFLICT", "could not find a free username; choose one");
}

async function namespaceTaken(db: Db, name: string): Promise<boolean> {
  const [user, team] = await Promise.all([
    db.user.findFirst({ where: { username: name }, select: { id: true } }),
    db.team.findUnique({ where: { slug: name }, select: { id: true } }),
  ]);
  return Boolean(user || team);
}

export function createAuth(opts: Options) {
  const { db, redis } = opts;
  return betterAuth({
    database: prismaAdapter(db, { provider: "postgresql" }),
    secret: opts.secret,
    baseURL: opts.baseURL,
    trustedOrigins: opts.trustedOrigins,
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 128 },
    user: {
      additionalFields: {
        role: { type: "string", input: false, defaultValue: "user" },
        username: { type: "string", required: false, input: true },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    advanced: { cookiePrefix: "berth", defaultCookieAttributes: { httpOnly: true, sameSite: "lax" } },
    // Berth's own limits below are in Redis, so they hold across web processes.
    rateLimit: { enabled: false },
    databaseHooks: {
      // Sign-out, revoking a session, a password reset: that session's sockets go too (sockets/socket-rights.ts).
      session: {
        delete: { after: (session) => publishRightsChanged(redis, { userIds: [session.userId], reason: "your session ended (signed out or revoked)" }) },
      },
      user: {
        create: {
          before: async (user) => {
            try {
              const username = await chooseUsername(db, user.username, user.email);
              return { data: { ...user, username, email: user.email.toLowerCase() } };
            } catch (err) {
              toApiError(err);
            }
          },
          // Every user owns a personal namespace named after their username.
          after: async (user) => {
            const username = String(user.username);
            await db.team.create({
              data: { slug: username, name: user.name || username, personal: true, memberships: { create: { userId: user.id, role: "owner" } } },
            });
          },
        },
        // The username names the personal namespace (its team, images and repositories): chosen and
        // checked at sign-up, never changed afterwards, whichever better-auth route (/update-user) asks.
        update: {
          before: async (data) => {
            if (data.username !== undefined)
              toApiError(new AppError("BAD_REQUEST", "a username cannot be changed: it names your personal namespace, its images and its repositories"));
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        const ip = clientIp(ctx.headers ?? new Headers());
        try {
          if (ctx.path === "/sign-up/email") {
            if (!(await getSettings(db)).signupOpen) throw new AppError("FORBIDDEN", "sign-up is closed on this instance; ask an administrator for an account");
            await consume(redis, LIMITS.signUpPerIp(ip), "sign-up attempts");
          }
          if (ctx.path === "/sign-in/email") {
            await consume(redis, LIMITS.signInPerIp(ip), "sign-in attempts from your address");
            // Only failures count, and only from this address: a stranger cannot lock the owner out.
            const email = typeof ctx.body?.email === "string" ? ctx.body.email : "";
            if (email) await refusePasswordAttempt(redis, ip, email);
          }
        } catch (err) {
          toApiError(err);
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const ip = clientIp(ctx.headers ?? new Headers());
        const session = ctx.context.newSession;
        if (ctx.path === "/sign-in/email") {
          if (session) await recordAudit(db, { action: "auth.sign_in", actorId: session.user.id, target: session.user.email, ipAddress: ip });
          else {
            const email = typeof ctx.body?.email === "string" ? ctx.body.email.slice(0, 254) : null;
            await recordAudit(db, { action: "auth.sign_in_failed", actorId: null, target: email, ipAddress: ip });
            if (email) await countPasswordFailure(redis, ip, email);
          }
        }
        if (ctx.path === "/sign-up/email" && session)
          await recordAudit(db, { action: "auth.sign_up", actorId: session.user.id, target: session.user.email, ipAddress: ip });
      }),
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
