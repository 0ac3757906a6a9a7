// Who is looking at a page (server components). API routes resolve their caller through
// caller.ts, which also accepts access tokens.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ctx } from "../context.ts";
import { type CallerUser, toUser } from "./caller.ts";

export type SessionUser = CallerUser;

export async function currentUser(h?: Headers): Promise<SessionUser | null> {
  const session = await ctx().auth.api.getSession({ headers: h ?? (await headers()) });
  return session ? toUser(session.user) : null;
}

/** For pages: send anonymous visitors to the sign-in page. */
export async function requireUserPage(next: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return user;
}
