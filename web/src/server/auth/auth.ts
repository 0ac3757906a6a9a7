// Email + password accounts through better-auth, stored by its Prisma adapter.
import type { Db } from "@berth/db";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";

export function createAuth(opts: { db: Db; secret: string; baseURL: string; trustedOrigins: string[] }) {
  return betterAuth({
    database: prismaAdapter(opts.db, { provider: "postgresql" }),
    secret: opts.secret,
    baseURL: opts.baseURL,
    trustedOrigins: opts.trustedOrigins,
    emailAndPassword: { enabled: true, minPasswordLength: 10, maxPasswordLength: 128 },
    user: {
      additionalFields: {
        role: { type: "string", input: false, defaultValue: "user" },
        username: { type: "string", required: false, input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    advanced: { cookiePrefix: "berth", defaultCookieAttributes: { httpOnly: true, sameSite: "lax" } },
    rateLimit: { enabled: true, window: 60, max: 100, customRules: { "/sign-in/email": { window: 60, max: 10 }, "/sign-up/email": { window: 60, max: 5 } } },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
