// What a caller may do to each requested repository: the intersection of what was asked,
// what their team role allows and what their token's scopes cover. Missing rights shrink
// the grant; they are not an error (the registry then answers "denied").
import { PERMISSION_SCOPE, type Permission, type Role, roleHas, scopesCover } from "@berth/core";
import { parseImageRef } from "@berth/core/image-ref";
import { type Grant, SYSTEM_NAMESPACE } from "@berth/core/registry/grant";
import type { Db } from "@berth/db";
import { isInstanceAdmin, isPrivilegedApp } from "../apps/privileged-app.ts";
import type { Principal } from "./authenticate-basic.ts";
import type { RequestedScope } from "./parse-scope.ts";

export { SYSTEM_NAMESPACE };

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
    // A tag an app with host mounts deploys is new code for it: only instance admins move it.
    if ((out.has("push") || out.has("delete")) && who && !isInstanceAdmin(who) && (await deployedByPrivilegedApp(db, namespace, repoName))) {
      out.delete("push");
      out.delete("delete");
    }
  }
  return out;
}

/** Whether an app with host mounts deploys `<namespace>/<repoName>`: its image's repository, or its builds' (`<team>/<app>`). */
async function deployedByPrivilegedApp(db: Db, namespace: string, repoName: string): Promise<boolean> {
  const apps = await db.app.findMany({ where: { team: { slug: namespace } }, select: { name: true, imageRef: true, config: true } });
  const full = `${namespace}/${repoName}`;
  return apps.some((a) => {
    if (!isPrivilegedApp(a.config)) return false;
    if (a.name === repoName) return true;
    const parsed = a.imageRef ? parseImageRef(a.imageRef) : null;
    return parsed?.ok === true && parsed.ref.path === full;
  });
}
