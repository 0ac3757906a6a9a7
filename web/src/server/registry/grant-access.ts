// What a caller may do to each requested repository: the intersection of what was asked,
// what their team role allows and what their token's scopes cover. Missing rights shrink
// the grant; they are not an error (the registry then answers "denied").
import { PERMISSION_SCOPE, type Permission, type Role, roleHas, scopesCover } from "@berth/core";
import type { Grant } from "@berth/core/registry/grant";
import type { Db } from "@berth/db";
import type { Principal } from "./authenticate-basic.ts";
import type { RequestedScope } from "./parse-scope.ts";

/** Base images live here: everyone pulls, instance admins push. */
export const SYSTEM_NAMESPACE = "berth";

const ACTION_PERMISSION: Record<string, Permission> = { pull: "images.pull", push: "images.push", delete: "images.delete" };

export async function grantAccess(db: Db, who: Principal | null, requested: RequestedScope[]): Promise<Grant[]> {
  const grants: Grant[] = [];
  for (const scope of requested) {
    if (scope.type === "registry") {
      const ok = who?.role === "admin" && (!who.scopes || scopesCover(who.scopes, "admin"));
      grants.push({ type: "registry", name: scope.name, actions: ok ? ["*"] : [] });
      continue;
    }
    const wanted = scope.actions.includes("*") ? ["pull", "push", "delete"] : scope.actions;
    const allowed = await allowedActions(db, who, scope.name);
    grants.push({ type: "repository", name: scope.name, actions: wanted.filter((a) => allowed.has(a)) });
  }
  return grants;
}

async function allowedActions(db: Db, who: Principal | null, name: string): Promise<Set<string>> {
  const slash = name.indexOf("/");
  const namespace = name.slice(0, slash);
  const repoName = name.slice(slash + 1);
  const tokenAllows = (action: string) => !who?.scopes || scopesCover(who.scopes, PERMISSION_SCOPE[ACTION_PERMISSION[action] as Permission]);
  const out = new Set<string>();

  if (namespace === SYSTEM_NAMESPACE) {
    out.add("pull");
    if (who?.role === "admin") for (const a of ["push", "delete"]) if (tokenAllows(a)) out.add(a);
    return out;
  }

  const [membership, repo] = await Promise.all([
    who ? db.membership.findFirst({ where: { userId: who.userId, team: { slug: namespace } }, select: { role: true } }) : null,
    db.imageRepository.findFirst({ where: { name: repoName, team: { slug: namespace } }, select: { public: true } }),
  ]);
  if (repo?.public) out.add("pull");
  if (membership) {
    for (const action of ["pull", "push", "delete"]) {
      if (roleHas(membership.role as Role, ACTION_PERMISSION[action] as Permission) && tokenAllows(action)) out.add(action);
    }
  }
  return out;
}
