// Who may do what. One map from team role to permissions, and one from permission to the
// access-token scope that covers it. The authorization wrapper in web reads only these.
export const ROLES = ["owner", "admin", "developer", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ["registry:read", "registry:write", "apps:deploy", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

const VIEWER = ["team.read", "members.read", "apps.read", "images.pull", "logs.read"] as const;
const DEVELOPER = [...VIEWER, "apps.write", "apps.deploy", "images.push", "containers.exec"] as const;
const ADMIN = [
  ...DEVELOPER,
  "team.update",
  "members.manage",
  "invitations.manage",
  "audit.read",
  "images.delete",
  "images.visibility",
  "apps.delete",
  "webhooks.manage",
] as const;
const OWNER = [...ADMIN, "team.delete", "owners.manage"] as const;

export type Permission = (typeof OWNER)[number];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: VIEWER,
  developer: DEVELOPER,
  admin: ADMIN,
  owner: OWNER,
};

/** The token scope an access token needs for a permission; "admin" covers every permission. */
export const PERMISSION_SCOPE: Record<Permission, Scope> = {
  "team.read": "admin",
  "members.read": "admin",
  "apps.read": "apps:deploy",
  "images.pull": "registry:read",
  "logs.read": "apps:deploy",
  "apps.write": "apps:deploy",
  "apps.deploy": "apps:deploy",
  "images.push": "registry:write",
  "containers.exec": "admin",
  "team.update": "admin",
  "members.manage": "admin",
  "invitations.manage": "admin",
  "audit.read": "admin",
  "images.delete": "registry:write",
  "images.visibility": "admin",
  "apps.delete": "admin",
  "webhooks.manage": "admin",
  "team.delete": "admin",
  "owners.manage": "admin",
};

export const roleHas = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);

/** Whether a token's scopes cover a required scope (write implies read; admin implies all). */
export function scopesCover(granted: readonly Scope[], required: Scope): boolean {
  if (granted.includes("admin") || granted.includes(required)) return true;
  return required === "registry:read" && granted.includes("registry:write");
}

/** The highest role is first in ROLES; a lower index outranks a higher one. */
export const outranks = (a: Role, b: Role): boolean => ROLES.indexOf(a) < ROLES.indexOf(b);
