// The one authorization check: a route's access rule against the caller. For team routes it
// loads the membership of the `{team}` in the path and returns the team-scoped context that
// handlers must use for every query on team data.
import { type Access, AppError, PERMISSION_SCOPE, type Role, roleHas, scopesCover } from "@berth/core";
import type { Db } from "@berth/db";
import type { Caller } from "./caller.ts";

export type TeamContext = { id: string; slug: string; name: string; personal: boolean; createdAt: Date; role: Role };

export async function authorize(db: Db, access: Access, caller: Caller | null, params: Record<string, string>): Promise<TeamContext | null> {
  if (access.kind === "public") return null;
  if (!caller) throw new AppError("UNAUTHENTICATED", "sign in, or send an access token as `Authorization: Bearer <token>`");

  switch (access.kind) {
    case "user":
      if (access.scope !== "any" && caller.scopes && !scopesCover(caller.scopes, access.scope)) throw missingScope(access.scope);
      return null;
    case "admin":
      if (caller.user.role !== "admin") throw new AppError("FORBIDDEN", "only instance administrators may do this");
      if (caller.scopes && !scopesCover(caller.scopes, "admin")) throw missingScope("admin");
      return null;
    case "team": {
      const slug = params.team ?? "";
      const membership = await db.membership.findFirst({ where: { userId: caller.user.id, team: { slug } }, include: { team: true } });
      // Not a member: the team is as good as absent (its existence is not confirmed).
      if (!membership) throw new AppError("NOT_FOUND", `team "${slug}" not found`);
      const role = membership.role as Role;
      if (!roleHas(role, access.permission)) throw new AppError("FORBIDDEN", `your role in ${slug} (${role}) does not allow ${access.permission}`);
      const scope = PERMISSION_SCOPE[access.permission];
      if (caller.scopes && !scopesCover(caller.scopes, scope)) throw missingScope(scope);
      const t = membership.team;
      return { id: t.id, slug: t.slug, name: t.name, personal: t.personal, createdAt: t.createdAt, role };
    }
  }
}

const missingScope = (scope: string) => new AppError("FORBIDDEN", `this access token lacks the "${scope}" scope`);
