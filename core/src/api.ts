// The REST API under /api/v1: every route's method, path, access rule and zod schemas.
// web validates requests with these and builds its OpenAPI document from them; the CLI and
// tests call the API through the same definitions. A route that is not here does not exist.
import { z } from "zod";
import {
  appConfig,
  appConfigPatch,
  appName,
  appRepositoryInput,
  DEPLOYMENT_KINDS,
  DEPLOYMENT_STATES,
  deploymentEnd,
  envKey,
  gitRef,
  imageRef,
} from "./apps.ts";
import { appLogLine, containerStats, LOG_STREAMS, logCursor } from "./logs.ts";
import { outboundAllowEntry } from "./outbound-allow.ts";
import { type Permission, ROLES, SCOPES, type Scope } from "./permissions.ts";
import { REGISTRY_RULES, registryCaches, registryHostEntry } from "./registry-settings.ts";

// ------------------------------------------------------------------ shared shapes
export const slug = z
  .string()
  .min(2)
  .max(39)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and inner dashes only")
  .refine((s) => !s.includes("--"), "no double dashes");
/** Namespaces Berth keeps for itself (base images, routes). */
export const RESERVED_SLUGS = ["admin", "api", "berth", "git", "library", "registry", "root", "system", "v2", "www", "settings", "new", "me"];
export const namespaceSlug = slug.refine((s) => !RESERVED_SLUGS.includes(s), "this name is reserved");
export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  // Control characters (C0 and DEL) would corrupt logs and terminals.
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), "no control characters");
export const role = z.enum(ROLES);
export const scope = z.enum(SCOPES);
const id = z.string().min(1).max(64);
const isoDate = z.string().datetime();

export const user = z.object({ id, email: z.string().email(), name: z.string(), username: z.string().nullable(), role: z.enum(["admin", "user"]) });
export const teamSummary = z.object({ id, slug: z.string(), name: z.string(), personal: z.boolean(), role, createdAt: isoDate });
export const member = z.object({ userId: id, email: z.string(), name: z.string(), username: z.string().nullable(), role, joinedAt: isoDate });
export const invitation = z.object({ id, email: z.string().nullable(), role, expiresAt: isoDate, acceptedAt: isoDate.nullable(), createdAt: isoDate });
export const token = z.object({
  id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(scope),
  expiresAt: isoDate.nullable(),
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  createdAt: isoDate,
});
export const auditEvent = z.object({
  id,
  teamSlug: z.string().nullable(),
  actor: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ipAddress: z.string().nullable(),
  data: z.unknown().optional(),
  createdAt: isoDate,
});
export const imageTag = z.object({
  name: z.string(),
  digest: z.string(),
  sizeBytes: z.number(),
  os: z.string().nullable(),
  architecture: z.string().nullable(),
  pushedAt: isoDate,
  pushedBy: z.string().nullable(),
  lastPulledAt: isoDate.nullable(),
  pullCount: z.number().int(),
});
export const repository = z.object({
  name: z.string(),
  /** `<team>/<name>`: the path in the registry. */
  fullName: z.string(),
  description: z.string(),
  public: z.boolean(),
  pullCount: z.number().int(),
  tagCount: z.number().int(),
  stars: z.number().int(),
  updatedAt: isoDate,
});
export const repositoryDetail = repository.extend({ pullCommand: z.string(), starred: z.boolean(), tags: z.array(imageTag) });
export const layer = z.object({ digest: z.string(), size: z.number(), createdBy: z.string().nullable() });
/** image.pushed: a tag was pushed; app.crashed: a replica exited and the Engine restarted it (worker/src/jobs/container-event.ts). */
export const WEBHOOK_EVENTS = ["image.pushed", "app.crashed"] as const;
export const webhook = z.object({ id, url: z.string(), events: z.array(z.enum(WEBHOOK_EVENTS)), active: z.boolean(), createdAt: isoDate });
/** A team's credential for another registry (issue 15): the password is never shown again. */
export const registryCredential = z.object({
  id,
  host: z.string(),
  username: z.string(),
  /** Who stored it (or last replaced it): a username or email; null when not recorded. */
  addedBy: z.string().nullable(),
  createdAt: isoDate,
});
export const webhookDelivery = z.object({
  id,
  event: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  responseCode: z.number().int().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: isoDate,
  finishedAt: isoDate.nullable(),
});
export const host = z.object({
  id: z.string(),
  hostname: z.string(),
  dockerVersion: z.string(),
  /** The Engine's platform (`linux/amd64`): images are resolved for it. Null until the host reports it. */
  platform: z.string().nullable(),
  cpus: z.number().int(),
  memoryBytes: z.number(),
  freeMemoryBytes: z.number(),
  address: z.string(),
  draining: z.boolean(),
  lastHeartbeatAt: isoDate,
  online: z.boolean(),
});
// ------------------------------------------------------------------ apps (issue 5)
export const envVarView = z.object({ key: z.string(), secret: z.boolean(), /** null for secrets: never shown again */ value: z.string().nullable() });
export const releaseView = z.object({
  id,
  version: z.number().int(),
  imageRef: z.string(),
  digest: z.string().nullable(),
  /** The platform `digest` is for (`linux/amd64`); null for releases made before Berth recorded it. */
  platform: z.string().nullable(),
  config: appConfig,
  /** Env keys frozen in the release (values are not returned). */
  envKeys: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
});
export const deploymentView = z.object({
  id,
  appId: id,
  kind: z.enum(DEPLOYMENT_KINDS),
  status: z.enum(DEPLOYMENT_STATES),
  reason: z.string().nullable(),
  releaseVersion: z.number().int().nullable(),
  imageRef: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
});
export const containerView = z.object({
  id,
  name: z.string(),
  hostId: z.string(),
  appName: z.string().nullable(),
  releaseVersion: z.number().int().nullable(),
  image: z.string(),
  state: z.string(),
  hostPort: z.number().int().nullable(),
  /** Restarts by the Engine's restart policy, the last exit (code, OOM kill and the memory limit then) and the last start. */
  restartCount: z.number().int(),
  lastExitCode: z.number().int().nullable(),
  lastExitAt: isoDate.nullable(),
  oomKilled: z.boolean(),
  memoryLimitMb: z.number().int().nullable(),
  lastStartedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export const appView = z.object({
  id,
  name: z.string(),
  team: z.string(),
  sourceType: z.enum(["image", "git"]),
  imageRef: z.string().nullable(),
  deployBranch: z.string(),
  /** A repository Berth fetches to build (credentials in the URL are shown as `***`); `webhook`: a push webhook secret is set. */
  repository: z.object({ url: z.string(), branch: z.string(), webhook: z.boolean() }).nullable(),
  /** The default address, `http://<app>-<team>.<domain>[:port]`. */
  url: z.string(),
  domains: z.array(z.string()),
  config: appConfig,
  env: z.array(envVarView),
  liveRelease: releaseView.nullable(),
  latestDeployment: deploymentView.nullable(),
  createdAt: isoDate,
});
export const logLine = z.object({ id: z.string(), ts: isoDate, text: z.string() });
/** One record of a deployment's follow stream (NDJSON): its log lines, then once its outcome. */
export const followRecord = z.union([z.object({ line: logLine }), z.object({ end: deploymentEnd })]);
export type FollowRecord = z.infer<typeof followRecord>;
export const hostDetail = host.extend({ containers: z.array(containerView.extend({ team: z.string() })) });
const envInput = z.record(envKey, z.object({ value: z.string().max(32_768), secret: z.boolean().default(false) }).strict());

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() }),
});

// ------------------------------------------------------------------ route definitions
export type Access =
  | { kind: "public" }
  /** Any signed-in user; a token needs `scope` ("any": every valid token). */
  | { kind: "user"; scope: Scope | "any" }
  /** Instance administrators; a token needs the admin scope. */
  | { kind: "admin" }
  /** Members of the `{team}` in the path whose role has the permission. */
  | { kind: "team"; permission: Permission };

export type RouteDef = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: `/api/v1${string}`;
  summary: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  /** A streamed answer (application/x-ndjson): the schema of each record. */
  stream?: z.ZodType;
  status: number;
};

const route = <const R extends RouteDef>(r: R) => r;
const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

/** Filters and cursors of an app's runtime log (list and download). */
const appLogsQuery = {
  /** Lines after this cursor, oldest first (following); otherwise the newest lines before `before`, oldest first. */
  after: logCursor.optional(),
  before: logCursor.optional(),
  /** Engine timestamps, inclusive. */
  since: isoDate.optional(),
  until: isoDate.optional(),
  /** Case-insensitive text to look for. */
  q: z.string().min(1).max(200).optional(),
  /** Docker id (12 hex) or container name. */
  container: z.string().min(1).max(128).optional(),
  stream: z.enum(LOG_STREAMS).optional(),
};
/** Most lines one download carries. */
export const APP_LOG_DOWNLOAD_MAX_LINES = 100_000;

/** Instance settings an admin changes at run time (one row; defaults in prisma/schema.prisma). */
const instanceSettingsShape = {
  signupOpen: z.boolean(),
  outboundAllow: z.array(outboundAllowEntry).max(200),
  maxConcurrentBuilds: z.number().int().min(1).max(1000),
  maxReplicas: z.number().int().min(1).max(100_000),
  maxVolumes: z.number().int().min(0).max(100_000),
  maxStorageMiB: z.number().int().min(1).max(100_000_000),
  /** Which registries images may come from: any, only `registryAllow`, or only Berth's own. */
  registryRule: z.enum(REGISTRY_RULES),
  registryAllow: z.array(registryHostEntry).max(200),
  /** Pull-through caches (one per upstream) that public images are read through. */
  registryCaches,
};
export const instanceSettings = z.object(instanceSettingsShape);
export type InstanceSettings = z.infer<typeof instanceSettings>;

export const ROUTES = {
  me: route({
    method: "GET",
    path: "/api/v1/me",
    summary: "Who am I",
    access: { kind: "user", scope: "any" },
    status: 200,
    response: z.object({ user, teams: z.array(teamSummary), via: z.enum(["session", "token"]), scopes: z.array(scope).nullable() }),
  }),
  revokeSessions: route({
    method: "POST",
    path: "/api/v1/me/sessions/revoke",
    summary: "Sign out everywhere",
    access: { kind: "user", scope: "admin" },
    status: 200,
    response: z.object({ revoked: z.number().int() }),
  }),

  listTeams: route({
    method: "GET",
    path: "/api/v1/teams",
    summary: "Teams I belong to",
    access: { kind: "user", scope: "admin" },
    status: 200,
    response: z.object({ teams: z.array(teamSummary) }),
  }),
  createTeam: route({
    method: "POST",
    path: "/api/v1/teams",
    summary: "Create a team (you become its owner)",
    access: { kind: "user", scope: "admin" },
    status: 201,
    body: strict({ slug: namespaceSlug, name: displayName }),
    response: teamSummary,
  }),
  getTeam: route({
    method: "GET",
    path: "/api/v1/teams/{team}",
    summary: "A team",
    access: { kind: "team", permission: "team.read" },
    status: 200,
    response: teamSummary,
  }),
  updateTeam: route({
    method: "PATCH",
    path: "/api/v1/teams/{team}",
    summary: "Rename a team",
    access: { kind: "team", permission: "team.update" },
    status: 200,
    body: strict({ name: displayName }),
    response: teamSummary,
  }),
  deleteTeam: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}",
    summary: "Delete a team and everything in it",
    access: { kind: "team", permission: "team.delete" },
    status: 204,
  }),

  listMembers: route({
    method: "GET",
    path: "/api/v1/teams/{team}/members",
    summary: "Members and their roles",
    access: { kind: "team", permission: "members.read" },
    status: 200,
    response: z.object({ members: z.array(member) }),
  }),
  updateMember: route({
    method: "PATCH",
    path: "/api/v1/teams/{team}/members/{userId}",
    summary: "Change a member's role",
    access: { kind: "team", permission: "members.manage" },
    status: 200,
    body: strict({ role }),
    response: member,
  }),
  removeMember: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/members/{userId}",
    summary: "Remove a member",
    access: { kind: "team", permission: "members.manage" },
    status: 204,
  }),
  leaveTeam: route({
    method: "POST",
    path: "/api/v1/teams/{team}/leave",
    summary: "Leave a team",
    access: { kind: "team", permission: "team.read" },
    status: 204,
  }),

  listInvitations: route({
    method: "GET",
    path: "/api/v1/teams/{team}/invitations",
    summary: "Open invitations",
    access: { kind: "team", permission: "invitations.manage" },
    status: 200,
    response: z.object({ invitations: z.array(invitation) }),
  }),
  createInvitation: route({
    method: "POST",
    path: "/api/v1/teams/{team}/invitations",
    summary: "Invite someone by link (optionally bound to an email)",
    access: { kind: "team", permission: "invitations.manage" },
    status: 201,
    body: strict({ email: z.string().email().max(254).optional(), role, expiresInDays: z.number().int().min(1).max(30).default(7) }),
    response: z.object({ invitation, token: z.string(), url: z.string() }),
  }),
  revokeInvitation: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/invitations/{id}",
    summary: "Revoke an invitation",
    access: { kind: "team", permission: "invitations.manage" },
    status: 204,
  }),
  acceptInvitation: route({
    method: "POST",
    path: "/api/v1/invitations/accept",
    summary: "Join a team with an invitation token",
    access: { kind: "user", scope: "admin" },
    status: 200,
    body: strict({ token: z.string().min(10).max(200) }),
    response: teamSummary,
  }),

  teamAudit: route({
    method: "GET",
    path: "/api/v1/teams/{team}/audit",
    summary: "The team's audit log, newest first",
    access: { kind: "team", permission: "audit.read" },
    status: 200,
    query: strict({ limit: z.coerce.number().int().min(1).max(500).default(100), before: isoDate.optional() }),
    response: z.object({ events: z.array(auditEvent) }),
  }),

  listTokens: route({
    method: "GET",
    path: "/api/v1/tokens",
    summary: "My access tokens",
    access: { kind: "user", scope: "admin" },
    status: 200,
    response: z.object({ tokens: z.array(token) }),
  }),
  createToken: route({
    method: "POST",
    path: "/api/v1/tokens",
    summary: "Create an access token; its secret is shown only in this response",
    access: { kind: "user", scope: "admin" },
    status: 201,
    body: strict({
      name: displayName,
      scopes: z.array(scope).min(1).max(SCOPES.length),
      expiresInDays: z.number().int().min(1).max(3650).nullable().default(90),
    }),
    response: z.object({ token, secret: z.string() }),
  }),
  revokeToken: route({
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    summary: "Revoke an access token",
    access: { kind: "user", scope: "admin" },
    status: 204,
  }),

  adminAudit: route({
    method: "GET",
    path: "/api/v1/admin/audit",
    summary: "The whole instance's audit log (instance admins)",
    access: { kind: "admin" },
    status: 200,
    query: strict({ limit: z.coerce.number().int().min(1).max(500).default(100), before: isoDate.optional() }),
    response: z.object({ events: z.array(auditEvent) }),
  }),
  getSettings: route({
    method: "GET",
    path: "/api/v1/admin/settings",
    summary: "Instance settings",
    access: { kind: "admin" },
    status: 200,
    response: instanceSettings,
  }),
  updateSettings: route({
    method: "PATCH",
    path: "/api/v1/admin/settings",
    summary: "Change instance settings (only the fields given)",
    access: { kind: "admin" },
    status: 200,
    body: strict(instanceSettingsShape).partial(),
    response: instanceSettings,
  }),

  listRepositories: route({
    method: "GET",
    path: "/api/v1/teams/{team}/repositories",
    summary: "The team's image repositories",
    access: { kind: "team", permission: "images.pull" },
    status: 200,
    response: z.object({ repositories: z.array(repository) }),
  }),
  getRepository: route({
    method: "GET",
    path: "/api/v1/teams/{team}/repositories/{repo}",
    summary: "A repository with its tags",
    access: { kind: "team", permission: "images.pull" },
    status: 200,
    response: repositoryDetail,
  }),
  updateRepository: route({
    method: "PATCH",
    path: "/api/v1/teams/{team}/repositories/{repo}",
    summary: "Change a repository's description or visibility",
    access: { kind: "team", permission: "images.visibility" },
    status: 200,
    body: strict({ description: z.string().max(2000).optional(), public: z.boolean().optional() }),
    response: repository,
  }),
  getTag: route({
    method: "GET",
    path: "/api/v1/teams/{team}/repositories/{repo}/tags/{tag}",
    summary: "A tag with its layers and the commands that made them",
    access: { kind: "team", permission: "images.pull" },
    status: 200,
    response: imageTag.extend({ layers: z.array(layer) }),
  }),
  deleteTag: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/repositories/{repo}/tags/{tag}",
    summary: "Delete a tag (other tags of the same image stay)",
    access: { kind: "team", permission: "images.delete" },
    status: 204,
  }),
  starRepository: route({
    method: "POST",
    path: "/api/v1/teams/{team}/repositories/{repo}/star",
    summary: "Star a repository",
    access: { kind: "team", permission: "images.pull" },
    status: 200,
    response: z.object({ starred: z.boolean(), stars: z.number().int() }),
  }),
  unstarRepository: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/repositories/{repo}/star",
    summary: "Remove your star",
    access: { kind: "team", permission: "images.pull" },
    status: 200,
    response: z.object({ starred: z.boolean(), stars: z.number().int() }),
  }),
  teamUsage: route({
    method: "GET",
    path: "/api/v1/teams/{team}/usage",
    summary: "Registry storage the team's tags use (unique layers)",
    access: { kind: "team", permission: "images.pull" },
    status: 200,
    response: z.object({ bytes: z.number(), repositories: z.number().int(), tags: z.number().int(), layers: z.number().int() }),
  }),
  explore: route({
    method: "GET",
    path: "/api/v1/explore",
    summary: "Search public repositories across the instance",
    access: { kind: "public" },
    status: 200,
    query: strict({ q: z.string().max(100).default("") }),
    response: z.object({ repositories: z.array(repository) }),
  }),
  listWebhooks: route({
    method: "GET",
    path: "/api/v1/teams/{team}/webhooks",
    summary: "The team's webhooks",
    access: { kind: "team", permission: "webhooks.manage" },
    status: 200,
    response: z.object({ webhooks: z.array(webhook) }),
  }),
  createWebhook: route({
    method: "POST",
    path: "/api/v1/teams/{team}/webhooks",
    summary: "Add a webhook; its signing secret is shown only in this response",
    access: { kind: "team", permission: "webhooks.manage" },
    status: 201,
    body: strict({
      url: z
        .string()
        .url()
        .max(2000)
        .refine((u) => /^https?:\/\//.test(u), "http or https only"),
      events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).default(["image.pushed"]),
    }),
    response: z.object({ webhook, secret: z.string() }),
  }),
  deleteWebhook: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/webhooks/{id}",
    summary: "Remove a webhook",
    access: { kind: "team", permission: "webhooks.manage" },
    status: 204,
  }),
  listRegistryCredentials: route({
    method: "GET",
    path: "/api/v1/teams/{team}/registries",
    summary: "The team's credentials for other registries (host and user; never the password)",
    access: { kind: "team", permission: "team.update" },
    status: 200,
    response: z.object({ registries: z.array(registryCredential) }),
  }),
  addRegistryCredential: route({
    method: "POST",
    path: "/api/v1/teams/{team}/registries",
    summary: "Store (or replace) the team's credential for a registry, used to pull its images; sealed, never shown again",
    access: { kind: "team", permission: "team.update" },
    status: 201,
    body: strict({
      host: z.string().min(1).max(255),
      username: z.string().min(1).max(255),
      password: z.string().min(1).max(4096),
    }),
    response: z.object({ registry: registryCredential }),
  }),
  removeRegistryCredential: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/registries/{id}",
    summary: "Remove a registry credential",
    access: { kind: "team", permission: "team.update" },
    status: 204,
  }),
  listDeliveries: route({
    method: "GET",
    path: "/api/v1/teams/{team}/webhooks/{id}/deliveries",
    summary: "A webhook's recent deliveries with response codes",
    access: { kind: "team", permission: "webhooks.manage" },
    status: 200,
    response: z.object({ deliveries: z.array(webhookDelivery) }),
  }),
  startRegistryGc: route({
    method: "POST",
    path: "/api/v1/admin/registry/gc",
    summary: "Start registry garbage collection (pushes are refused while it runs)",
    access: { kind: "admin" },
    status: 202,
    response: z.object({ jobId: z.string() }),
  }),
  listHosts: route({
    method: "GET",
    path: "/api/v1/hosts",
    summary: "Registered hosts and their capacity",
    access: { kind: "user", scope: "admin" },
    status: 200,
    response: z.object({ hosts: z.array(host) }),
  }),
  getHost: route({
    method: "GET",
    path: "/api/v1/hosts/{id}",
    summary: "A host with the containers Berth runs on it",
    access: { kind: "admin" },
    status: 200,
    response: hostDetail,
  }),
  drainHost: route({
    method: "POST",
    path: "/api/v1/hosts/{id}/drain",
    summary: "Drain a host (its replicas move to other hosts) or put it back in service",
    access: { kind: "admin" },
    status: 200,
    body: strict({ draining: z.boolean() }),
    response: host,
  }),

  listApps: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps",
    summary: "The team's apps",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    response: z.object({ apps: z.array(appView) }),
  }),
  createApp: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps",
    summary: "Create an app from an image or for source builds; deploys at once when `deploy` and an image are given",
    access: { kind: "team", permission: "apps.write" },
    status: 201,
    body: strict({
      name: appName,
      image: imageRef.optional(),
      config: appConfigPatch.optional(),
      env: envInput.optional(),
      /** Builds come from this repository (`deployRepository`, the push webhook). */
      repository: appRepositoryInput.optional(),
      deploy: z.boolean().default(false),
    }),
    /** `notes`: what Berth chose for the app ("port 5432, from the image's EXPOSE"). */
    response: z.object({ app: appView, deployment: deploymentView.nullable(), notes: z.array(z.string()).default([]) }),
  }),
  getApp: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}",
    summary: "An app with its config, env keys, live release and latest deployment",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    response: appView,
  }),
  updateApp: route({
    method: "PATCH",
    path: "/api/v1/teams/{team}/apps/{app}",
    summary: "Change an app's image or config; a live app gets a new release at once",
    access: { kind: "team", permission: "apps.write" },
    status: 200,
    body: strict({ image: imageRef.optional(), config: appConfigPatch.optional(), repository: appRepositoryInput.nullable().optional() }),
    response: z.object({ app: appView, deployment: deploymentView.nullable(), notes: z.array(z.string()).default([]) }),
  }),
  deleteApp: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/apps/{app}",
    summary: "Delete an app: its containers, routes, releases and deployments",
    access: { kind: "team", permission: "apps.delete" },
    status: 204,
  }),
  setEnv: route({
    method: "PATCH",
    path: "/api/v1/teams/{team}/apps/{app}/env",
    summary: "Set or unset env vars (secrets are encrypted at rest); a live app gets a new release",
    access: { kind: "team", permission: "apps.write" },
    status: 200,
    body: strict({ set: envInput.default({}), unset: z.array(envKey).max(200).default([]) }),
    response: z.object({ env: z.array(envVarView), deployment: deploymentView.nullable() }),
  }),
  addDomain: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/domains",
    summary: "Serve the app at another host name too",
    access: { kind: "team", permission: "apps.write" },
    status: 201,
    body: strict({
      hostname: z
        .string()
        .toLowerCase()
        .max(253)
        .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "a host name like shop.example.com"),
    }),
    response: z.object({ domains: z.array(z.string()) }),
  }),
  removeDomain: route({
    method: "DELETE",
    path: "/api/v1/teams/{team}/apps/{app}/domains/{hostname}",
    summary: "Stop serving the app at a custom host name",
    access: { kind: "team", permission: "apps.write" },
    status: 204,
  }),
  createDeployment: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/deployments",
    summary: "Deploy an image (the given one, or the app's image); supersedes a queued deploy",
    access: { kind: "team", permission: "apps.deploy" },
    status: 201,
    body: strict({ image: imageRef.optional() }),
    response: deploymentView,
  }),
  uploadBuild: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/builds",
    summary: "Upload a build context (a tar with a Dockerfile, optionally gzipped; body is the raw tar) and deploy it",
    access: { kind: "team", permission: "apps.deploy" },
    status: 201,
    response: deploymentView,
  }),
  deployRepository: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/deployments/repository",
    summary: "Fetch the app's repository at a branch, tag or commit (default: its branch), build it and deploy it",
    access: { kind: "team", permission: "apps.deploy" },
    status: 201,
    body: strict({ ref: gitRef.optional() }),
    response: deploymentView,
  }),
  rotateWebhookSecret: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/webhook-secret",
    summary: "A new secret for the app's push webhook (shown once; the old one stops working)",
    access: { kind: "team", permission: "apps.write" },
    status: 200,
    response: z.object({ url: z.string(), secret: z.string() }),
  }),
  repoWebhook: route({
    method: "POST",
    path: "/api/v1/hooks/apps/{appId}",
    summary: "GitHub-compatible push webhook (X-Hub-Signature-256 is the authentication): a push to the repository's branch deploys it",
    access: { kind: "public" },
    status: 202,
  }),
  listDeployments: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/deployments",
    summary: "An app's deployments, newest first",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    response: z.object({ deployments: z.array(deploymentView) }),
  }),
  getDeployment: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/deployments/{id}",
    summary: "One deployment",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    response: deploymentView,
  }),
  getDeploymentLog: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/deployments/{id}/log",
    summary: "A deployment's build and deploy log, after a cursor",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    query: strict({ after: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(5000).default(1000) }),
    response: z.object({ lines: z.array(logLine), status: z.enum(DEPLOYMENT_STATES) }),
  }),
  followDeployment: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/deployments/{id}/follow",
    summary:
      "Follow a deployment: NDJSON records `{line}` for its log after the cursor as it is written, then one `{end}` with its outcome (status, reason, release version), and the stream closes; blank lines are keep-alives",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    query: strict({ after: logCursor.optional() }),
    stream: followRecord,
  }),
  listAppLogs: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/logs",
    summary: "An app's runtime log: search by text, time range, container and stream; page by cursor",
    access: { kind: "team", permission: "logs.read" },
    status: 200,
    query: strict({ ...appLogsQuery, limit: z.coerce.number().int().min(1).max(5000).default(500) }),
    response: z.object({ lines: z.array(appLogLine), /** more lines match beyond this page */ more: z.boolean() }),
  }),
  downloadAppLogs: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/logs/download",
    summary:
      "An app's runtime log as a text file (`<ISO time> <replica> <stdout|stderr|system> <text>` per line), same filters as the list; the newest `limit` matching lines (header X-Berth-Truncated when there were more)",
    access: { kind: "team", permission: "logs.read" },
    status: 200,
    query: strict({ ...appLogsQuery, limit: z.coerce.number().int().min(1).max(APP_LOG_DOWNLOAD_MAX_LINES).default(APP_LOG_DOWNLOAD_MAX_LINES) }),
  }),
  getAppMetrics: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/metrics",
    summary: "Recent metrics samples of an app's containers (CPU, memory vs limit, network), oldest first",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    query: strict({ minutes: z.coerce.number().int().min(1).max(60).default(10) }),
    response: z.object({ samples: z.array(containerStats) }),
  }),
  cancelDeployment: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/deployments/{id}/cancel",
    summary: "Cancel a queued or running deployment",
    access: { kind: "team", permission: "apps.deploy" },
    status: 200,
    response: deploymentView,
  }),
  listReleases: route({
    method: "GET",
    path: "/api/v1/teams/{team}/apps/{app}/releases",
    summary: "An app's releases, newest first",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    response: z.object({ releases: z.array(releaseView), liveVersion: z.number().int().nullable() }),
  }),
  rollback: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/releases/{version}/rollback",
    summary: "Deploy an earlier release again, without rebuilding",
    access: { kind: "team", permission: "apps.deploy" },
    status: 201,
    response: deploymentView,
  }),
  listContainers: route({
    method: "GET",
    path: "/api/v1/teams/{team}/containers",
    summary: "The team's containers (all apps, or one with ?app=)",
    access: { kind: "team", permission: "apps.read" },
    status: 200,
    query: strict({ app: appName.optional() }),
    response: z.object({ containers: z.array(containerView) }),
  }),
  containerAction: route({
    method: "POST",
    path: "/api/v1/teams/{team}/containers/{id}/actions",
    summary: "stop, kill, start, restart or remove a container",
    access: { kind: "team", permission: "apps.deploy" },
    status: 200,
    body: strict({ action: z.enum(["start", "stop", "restart", "kill", "remove"]) }),
    response: containerView.nullable(),
  }),
  commitContainer: route({
    method: "POST",
    path: "/api/v1/teams/{team}/containers/{id}/commit",
    summary: "Commit a container to a new image tag in the team's registry namespace",
    access: { kind: "team", permission: "images.push" },
    status: 201,
    body: strict({ repository: slug, tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "letters, digits, _ . -") }),
    response: z.object({ image: z.string(), digest: z.string().nullable() }),
  }),
  runCommand: route({
    method: "POST",
    path: "/api/v1/teams/{team}/apps/{app}/run",
    summary: "Run a one-off command in a new container of the live release (same env and limits); waits for it",
    access: { kind: "team", permission: "containers.exec" },
    status: 200,
    body: strict({ cmd: z.array(z.string().max(4096)).min(1).max(64), timeoutS: z.number().int().min(1).max(600).default(60) }),
    response: z.object({ exitCode: z.number().int().nullable(), oomKilled: z.boolean(), timedOut: z.boolean(), output: z.string(), durationMs: z.number() }),
  }),
  openapi: route({ method: "GET", path: "/api/v1/openapi.json", summary: "This document", access: { kind: "public" }, status: 200 }),
} as const;

export type RouteName = keyof typeof ROUTES;
export type Body<N extends RouteName> = (typeof ROUTES)[N] extends { body: z.ZodType } ? z.input<(typeof ROUTES)[N]["body"]> : never;
export type Reply<N extends RouteName> = (typeof ROUTES)[N] extends { response: z.ZodType } ? z.infer<(typeof ROUTES)[N]["response"]> : unknown;
/** One record of a streamed (NDJSON) answer. */
export type StreamRecord<N extends RouteName> = (typeof ROUTES)[N] extends { stream: z.ZodType } ? z.infer<(typeof ROUTES)[N]["stream"]> : never;

/** Fills `{name}` placeholders of a route path. */
export function routePath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`missing path parameter ${k}`);
    return encodeURIComponent(v);
  });
}

/** Access token format: a recognisable prefix, then 40 base62 characters. */
export const TOKEN_PREFIX = "berth_pat_";
export const tokenFormat = /^berth_pat_[A-Za-z0-9]{40}$/;
