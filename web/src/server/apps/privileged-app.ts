// An app that mounts a host path or the Docker socket runs with the host's rights, so it is the
// instance admins' alone: any change that puts new code or new env into its containers — a
// deployment of any kind, a config or env change, a one-off command, a terminal, a commit of one
// of its containers — needs an instance admin (a token of theirs with the `admin` scope).
// Machine-initiated paths (the repository's push webhook) have no admin behind them and are
// refused outright. The one rule every such path calls.
import { AppError } from "@berth/core";
import type { Db } from "@berth/db";
import type { Caller } from "../auth/caller.ts";
import { storedConfig } from "./find-app.ts";

/** Who acts: an HTTP caller, a socket's user (instance role and token scopes), or nobody (a webhook). */
export type Actor = Caller | { role: string; scopes: readonly string[] | null } | null;

export function isInstanceAdmin(actor: Actor): boolean {
  if (!actor) return false;
  const role = "user" in actor ? actor.user.role : actor.role;
  return role === "admin" && (!actor.scopes || actor.scopes.includes("admin"));
}

/** Whether any of these configs (the app's stored one, a release's) mounts a host path or the Docker socket. */
export const isPrivilegedApp = (...configs: unknown[]) => configs.some((c) => storedConfig(c).binds.length > 0);

/**
 * Refuses `action` on a privileged app unless an instance admin does it. `also`: further configs
 * that decide it too (the release a container runs), since the app's own may have changed since.
 */
export function requireAdminForPrivilegedApp(actor: Actor, app: { name: string; config: unknown }, action: string, also: unknown[] = []): void {
  if (!isPrivilegedApp(app.config, ...also) || isInstanceAdmin(actor)) return;
  const who = actor ? "an instance admin" : "an instance admin, by hand (not through a webhook)";
  throw new AppError("FORBIDDEN", `app ${app.name} mounts host paths or the Docker socket: only ${who} may ${action}`);
}

/** The same rule for one container: its app's config and the release it runs. */
export async function requireAdminForPrivilegedContainer(
  db: Db,
  actor: Actor,
  container: { name: string; appId: string | null; releaseId: string | null },
  action: string,
): Promise<void> {
  const [app, release] = await Promise.all([
    container.appId ? db.app.findUnique({ where: { id: container.appId }, select: { name: true, config: true } }) : null,
    container.releaseId ? db.release.findUnique({ where: { id: container.releaseId }, select: { config: true } }) : null,
  ]);
  const releaseApp = (release?.config as { app?: unknown } | null)?.app;
  requireAdminForPrivilegedApp(actor, { name: app?.name ?? container.name, config: app?.config }, action, releaseApp ? [releaseApp] : []);
}
