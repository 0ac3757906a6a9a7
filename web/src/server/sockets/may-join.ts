// Who may join which socket room. One table: a room name -> the permission it needs in the team
// that owns it; the caller's team role must have it, and an access token's scopes must cover it
// (PERMISSION_SCOPE), exactly as for the HTTP API. Unknown rooms are refused.
import { PERMISSION_SCOPE, type Permission, ROOMS, type Role, roleHas, type Scope, scopesCover } from "@berth/core";
import type { Db } from "@berth/db";

/** Who is on the other end of a socket: from the session cookie (scopes null) or an access token. */
export type SocketUser = { userId: string; role: string; scopes: Scope[] | null };

/** The caller's role in a team, or in the team that owns an app; null when not a member (or no such thing). */
export type RoleLookups = {
  appRole: (appId: string, userId: string) => Promise<Role | null>;
  teamRole: (teamId: string, userId: string) => Promise<Role | null>;
};

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const ROOM = new RegExp(`^(app|logs|metrics|team):(${UUID})$`);
const NEEDS = { app: "apps.read", metrics: "apps.read", logs: "logs.read", team: "team.read" } as const satisfies Record<string, Permission>;

export type RoomRule = { kind: "hosts" } | { kind: "app"; appId: string; permission: Permission } | { kind: "team"; teamId: string; permission: Permission };

/** What a room name means, or null for a room nobody may join. */
export function roomRule(room: string): RoomRule | null {
  if (room === ROOMS.hosts) return { kind: "hosts" };
  const m = ROOM.exec(room);
  if (!m) return null;
  const [, kind, id] = m as unknown as [string, keyof typeof NEEDS, string];
  return kind === "team" ? { kind: "team", teamId: id, permission: NEEDS.team } : { kind: "app", appId: id, permission: NEEDS[kind] };
}

/** Whether a role and a token's scopes allow a permission (a session has the role's full reach). */
export function roleAllows(role: Role | null, user: SocketUser, permission: Permission): boolean {
  if (role === null || !roleHas(role, permission)) return false;
  return user.scopes === null || scopesCover(user.scopes, PERMISSION_SCOPE[permission]);
}

/** Whether the user may do `permission` on an app (its team's role, the token's scopes). Shared by every socket handler. */
export async function mayOnApp(lookups: Pick<RoleLookups, "appRole">, user: SocketUser, appId: string, permission: Permission): Promise<boolean> {
  if (!user.userId) return false;
  return roleAllows(await lookups.appRole(appId, user.userId), user, permission);
}

export async function mayJoin(room: string, user: SocketUser, lookups: RoleLookups): Promise<boolean> {
  if (!user.userId) return false;
  const rule = roomRule(room);
  if (!rule) return false;
  switch (rule.kind) {
    // Host capacity is instance-wide information every signed-in user may see.
    case "hosts":
      return true;
    case "app":
      return mayOnApp(lookups, user, rule.appId, rule.permission);
    case "team":
      return roleAllows(await lookups.teamRole(rule.teamId, user.userId), user, rule.permission);
  }
}

export const roleLookups = (db: Db): RoleLookups => ({
  appRole: async (appId, userId) =>
    ((await db.membership.findFirst({ where: { userId, team: { apps: { some: { id: appId } } } }, select: { role: true } }))?.role as Role | undefined) ?? null,
  teamRole: async (teamId, userId) =>
    ((await db.membership.findFirst({ where: { userId, teamId }, select: { role: true } }))?.role as Role | undefined) ?? null,
});
