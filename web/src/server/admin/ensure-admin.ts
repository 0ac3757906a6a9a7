// The instance's first administrator, created by setup. Does nothing once any admin exists,
// so a changed password or a renamed admin is never overwritten.
import type { Db } from "@berth/db";
import type { Auth } from "../auth/auth.ts";

export type EnsureAdminResult = { created: boolean; email: string };

export async function ensureAdmin(deps: { db: Db; auth: Auth }, opts: { email: string; password: string }): Promise<EnsureAdminResult> {
  const existing = await deps.db.user.findFirst({ where: { role: "admin" }, select: { email: true } });
  if (existing) return { created: false, email: existing.email };

  // Through better-auth's own adapter so the password hash and account row are exactly
  // what its sign-in expects; sign-up may be closed, so its public endpoint is not used.
  const auth = await deps.auth.$context;
  const user = await auth.internalAdapter.createUser(
    { email: opts.email, name: "Administrator", emailVerified: true, role: "admin", username: "berth-admin" },
    { method: "admin" },
  );
  await auth.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: await auth.password.hash(opts.password) });
  return { created: true, email: opts.email };
}
