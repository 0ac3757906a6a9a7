// Who is calling: for server components and route handlers.
import { AppError } from "@berth/core";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ctx } from "../context.ts";

export type SessionUser = { id: string; email: string; name: string; role: string };

export async function currentUser(h?: Headers): Promise<SessionUser | null> {
  const session = await ctx().auth.api.getSession({ headers: h ?? (await headers()) });
  if (!session) return null;
  const u = session.user as typeof session.user & { role?: string };
  return { id: u.id, email: u.email, name: u.name, role: u.role ?? "user" };
}

/** For pages: send anonymous visitors to the sign-in page. */
export async function requireUserPage(next: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return user;
}

/** For route handlers: any signed-in user. */
export async function requireUser(h: Headers): Promise<SessionUser> {
  const user = await currentUser(h);
  if (!user) throw new AppError("UNAUTHENTICATED", "sign in first");
  return user;
}

/** For route handlers: instance administrators only. */
export async function requireAdmin(h: Headers): Promise<SessionUser> {
  const user = await requireUser(h);
  if (user.role !== "admin") throw new AppError("FORBIDDEN", "only instance administrators may do this");
  return user;
}
