// Apps, releases and deployments: the shapes web, worker and the CLI agree on.
// An app's config is one zod schema; a release snapshots it (with env) so a rollback needs no rebuild.
import { z } from "zod";
import { parseImageRef } from "./image-ref.ts";
import { entryFields } from "./logs.ts";

/** App names: like team slugs but up to 30 characters, so `<app>-<team>` fits a DNS label. */
export const appName = z
  .string()
  .min(2)
  .max(30)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "lowercase letters, digits and inner dashes only")
  .refine((s) => !s.includes("--"), "no double dashes");

/** Environment variable names Berth sets itself; users may not override them. */
export const RESERVED_ENV = ["PORT", "BERTH_APP", "BERTH_TEAM", "BERTH_RELEASE"] as const;
export const envKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "letters, digits and _; not starting with a digit")
  .refine((k) => !(RESERVED_ENV as readonly string[]).includes(k), "this name is set by Berth");

/** A Docker image reference: [registry/]path[:tag][@digest], read by the one parser (`image-ref.ts`). */
export const imageRef = z
  .string()
  .min(1)
  .max(512)
  .superRefine((s, ctx) => {
    const parsed = parseImageRef(s);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error });
  });

/**
 * A git ref name a user may give (branch, tag or commit): the rules of `git check-ref-format`
 * that matter here, and never an option (`-…`) for the git command it ends up in.
 */
export const gitRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._/-]+$/, "letters, digits and . _ / - only")
  .refine((r) => !r.startsWith("-") && !r.startsWith("/") && !r.endsWith("/") && !r.endsWith(".") && !r.endsWith(".lock"), "not a valid git ref")
  .refine((r) => !r.includes("..") && !r.includes("//") && !r.split("/").some((part) => part.startsWith(".")), "not a valid git ref");

const REPO_URL_SCHEMES = ["http:", "https:"];
/**
 * A repository the worker fetches from: http(s) URLs only. `file:`, ssh, `ext::` and local paths
 * would let a user read the worker's disk or run commands; `-…` would be read as an option.
 * `git://` is refused too: git opens that connection itself, so Berth cannot hold it to the address
 * its outbound policy checked (control/src/outbound/git-pin.ts); the protocol is also unauthenticated.
 */
export const repositoryUrl = z
  .string()
  .min(1)
  .max(1000)
  .refine((u) => ![...u].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f), "no whitespace or control characters")
  .refine((u) => !u.startsWith("-"), "may not start with -")
  .refine((u) => !/^git:/i.test(u), "git:// URLs are not supported (Berth cannot pin their connection to a checked address); use the repository's https:// URL")
  .refine((u) => {
    if (/^git:/i.test(u)) return true; // refused above, with its own reason
    try {
      const url = new URL(u);
      return REPO_URL_SCHEMES.includes(url.protocol) && url.hostname !== "" && !u.includes("::");
    } catch {
      return false;
    }
  }, "an http:// or https:// URL");

/**
 * A URL, or text holding URLs (git's messages), as it may be shown or logged: credentials
 * (`user:token@`) become `***@`. The userinfo runs to the authority's last `@` (a password may hold one).
 */
export const redactUrl = (text: string) => text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi, "$1***@");

export const appRepositoryInput = z.object({ url: repositoryUrl, branch: gitRef.optional() }).strict();

export const healthCheck = z
  .object({
    type: z.enum(["http", "tcp"]).default("http"),
    /** HTTP only: any status below 400 passes. */
    path: z.string().startsWith("/").max(512).default("/"),
    timeoutS: z.number().int().min(1).max(60).default(3),
    /** Tries, one every `intervalMs`, before the release is declared unhealthy (default: 30 s to start). */
    attempts: z.number().int().min(1).max(600).default(150),
    /** Short by default: the new release serves as soon as it answers. */
    intervalMs: z.number().int().min(100).max(30_000).default(200),
  })
  .strict();
export type HealthCheck = z.infer<typeof healthCheck>;

export const volumeMount = z
  .object({
    /** A named volume on the host, one per app (core's volumeName: named from the app's id). */
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "lowercase letters, digits, _ . -"),
    target: z.string().startsWith("/").max(4096),
  })
  .strict();
/** A host path (or the Docker socket) mounted into the container: instance admins only. */
export const bindMount = z
  .object({ source: z.string().startsWith("/").max(4096), target: z.string().startsWith("/").max(4096), readOnly: z.boolean().default(false) })
  .strict();

/** A path inside a build's repository or upload: relative, without `..`, normalised when used. */
const relativePath = (what: string) =>
  z
    .string()
    .min(1)
    .max(1024)
    .refine((p) => !p.startsWith("/"), `${what}: a path relative to the repository, not an absolute one`)
    .refine((p) => !p.split("/").includes(".."), `${what}: the path may not contain ".."`)
    .refine((p) => !/[\0\\]/.test(p), `${what}: the path may not contain a backslash or NUL`);

/**
 * How a source build runs (Engine /build): build arguments and the target stage. Build arguments are
 * NOT secret: the classic builder keeps them in the image's history, readable by anyone who can pull
 * the image. A build refuses one named like a secret env var of the app or equal to a secret's value.
 */
export const buildSettings = z
  .object({
    /** `ARG` values (e.g. for `ARG BASE=…` then `FROM ${BASE}`). Not secret: they stay in the image history. */
    args: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "build argument names: letters, digits and _; not starting with a digit"),
        z.string().max(4096),
      )
      .refine((a) => Object.keys(a).length <= 64, "at most 64 build arguments")
      .optional(),
    /** The stage to build (`FROM … AS <target>`); the last stage when unset. */
    target: z
      .string()
      .regex(/^[a-z][a-z0-9-_.]{0,127}$/i, "a stage name: letters, digits and - _ . starting with a letter")
      .optional(),
    /** The Dockerfile, relative to the build context (`docker/Dockerfile.prod`); `Dockerfile` when unset. */
    dockerfile: relativePath("dockerfile").describe("The Dockerfile, relative to the build context; `Dockerfile` when unset.").optional(),
    /** The build context: a directory of the repository or upload (`services/api`, for monorepos); its root when unset. */
    context: relativePath("context").describe("The build context: a directory of the repository or upload (monorepos); its root when unset.").optional(),
  })
  .strict()
  .describe("Build arguments are not secret: the classic builder keeps them in the image history.");
export type BuildSettings = z.infer<typeof buildSettings>;

/** Where a source build's Dockerfile is in the repository or upload: `<context>/<dockerfile>`, cleaned (`Dockerfile` by default). */
export function sourceDockerfilePath(settings: BuildSettings | undefined): string {
  const parts = `${settings?.context ?? "."}/${settings?.dockerfile ?? "Dockerfile"}`.split("/").filter((p) => p !== "" && p !== ".");
  return parts.join("/");
}

export const appConfig = z
  .object({
    /** The port the app listens on inside the container; also given to it as $PORT. */
    port: z.number().int().min(1).max(65_535).default(8080),
    replicas: z.number().int().min(0).max(20).default(1),
    memoryMb: z.number().int().min(16).max(65_536).default(256),
    cpus: z.number().min(0.05).max(64).default(0.5),
    /**
     * Absent: the image's own HEALTHCHECK decides when a replica is ready (the Engine's `healthy`),
     * or, for an image without one, DEFAULT_HEALTH_CHECK (control's replicas/readiness-check.ts).
     */
    healthCheck: healthCheck.optional(),
    volumes: z.array(volumeMount).max(16).default([]),
    binds: z.array(bindMount).max(16).default([]),
    /** Overrides the image's command. */
    cmd: z.array(z.string().max(4096)).max(64).optional(),
    /** Source builds only: build arguments and target stage. */
    build: buildSettings.optional(),
  })
  .strict();
export type AppConfig = z.infer<typeof appConfig>;
export const DEFAULT_APP_CONFIG: AppConfig = appConfig.parse({});
/** The check of an app that sets none, when its image has no HEALTHCHECK either. */
export const DEFAULT_HEALTH_CHECK: HealthCheck = healthCheck.parse({});

/** A change to an app's config: any subset of fields; `healthCheck` replaces the whole check. */
export const appConfigPatch = z
  .object({
    port: appConfig.shape.port.unwrap().optional(),
    replicas: appConfig.shape.replicas.unwrap().optional(),
    memoryMb: appConfig.shape.memoryMb.unwrap().optional(),
    cpus: appConfig.shape.cpus.unwrap().optional(),
    /** Replaces the whole check; `null` drops it (the image's HEALTHCHECK, or the default, decides). */
    healthCheck: healthCheck.nullable().optional(),
    volumes: z.array(volumeMount).max(16).optional(),
    binds: z.array(bindMount).max(16).optional(),
    cmd: z.array(z.string().max(4096)).max(64).nullable().optional(),
    /** Replaces the build settings whole; `null` drops them. */
    build: buildSettings.nullable().optional(),
  })
  .strict();
export type AppConfigPatch = z.infer<typeof appConfigPatch>;

/** One env var in a release snapshot: secrets stay sealed (core/src/secret-box.ts) until the worker starts a container. */
export const releaseEnvVar = z.object({ key: z.string(), value: z.string(), secret: z.boolean() });
/** What a release freezes: everything needed to start its containers again, without a rebuild. */
export const releaseConfig = z.object({ app: appConfig, env: z.array(releaseEnvVar) });
export type ReleaseConfig = z.infer<typeof releaseConfig>;

export const DEPLOYMENT_STATES = [
  "queued",
  "building",
  "pushing",
  "starting",
  "health_checking",
  "live",
  "failed",
  "cancelled",
  "superseded",
  "replaced",
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];
/**
 * How a deployment's run ends: live, failed, cancelled, or superseded (a newer one was queued
 * before it started). `replaced` comes later, to a deployment that went live, when a newer one of
 * the app goes live: only the serving deployment says `live`.
 */
export const DEPLOYMENT_OUTCOMES = ["live", "failed", "cancelled", "superseded"] as const satisfies readonly DeploymentState[];
export type DeploymentOutcome = (typeof DEPLOYMENT_OUTCOMES)[number];
export const FINISHED_STATES = [...DEPLOYMENT_OUTCOMES, "replaced"] as const satisfies readonly DeploymentState[];
export type FinishedState = (typeof FINISHED_STATES)[number];
export const isFinished = (s: DeploymentState): s is FinishedState => (FINISHED_STATES as readonly string[]).includes(s);
/** It went live (and may have been replaced since). */
export const wentLive = (s: DeploymentState): boolean => s === "live" || s === "replaced";
/** A worker owns the deployment while it is in one of these. */
export const RUNNING_STATES = ["building", "pushing", "starting", "health_checking"] as const satisfies readonly DeploymentState[];
export type RunningState = (typeof RUNNING_STATES)[number];
export const isRunning = (s: string): s is RunningState => (RUNNING_STATES as readonly string[]).includes(s);

/** What started a deployment. */
export const DEPLOYMENT_KINDS = ["build", "image", "rollback", "config"] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

/** Largest build context accepted (a tar, possibly gzipped). */
export const MAX_BUILD_CONTEXT_BYTES = 200 * 1024 * 1024;

/**
 * Docker names of an app's replica containers: `berth-<team>-<app>-v<version>-<deployment>-<n>`
 * (the deployment's first 6 characters: deploying the same release again never collides).
 */
export const replicaName = (team: string, app: string, version: number, deploymentId: string, index: number) =>
  `berth-${team}-${app}-v${version}-${deploymentId.slice(0, 6)}-${index}`;
/** One-off command containers: never reconciled away while they run. */
export const ONE_OFF_PREFIX = "berth-oneoff-";
export const oneOffName = (team: string, app: string, id: string) => `${ONE_OFF_PREFIX}${team}-${app}-${id.slice(0, 8)}`;
/** The registry repository an app's builds are pushed to. */
export const appRepository = (team: string, app: string) => `${team}/${app}`;
/**
 * What Berth keeps on a host per owner is named from ids, never from slugs: slugs and names may
 * contain dashes, so `berth-<team>-<app>-<volume>` of team "a-b" app "c" was also team "a" app
 * "b-c"'s. Ids hold no `_` and the names start `berth_`, which no slug-made name does. The owner
 * is also in each volume's and network's labels, which the runtime-host checks before using one.
 */
const OWNER_ID = /^[a-z0-9-]{1,64}$/;
const ownerId = (id: string) => {
  if (!OWNER_ID.test(id)) throw new Error(`not an id Berth names host resources after: ${JSON.stringify(id)}`);
  return id;
};
/** An app's named volume on a host: `berth_vol_<app id>_<volume>`. */
export const volumeName = (appId: string, name: string) => `berth_vol_${ownerId(appId)}_${name}`;
/** A team's bridge network on a host, so containers of different teams cannot reach each other. */
export const teamNetworkName = (teamId: string) => `berth_net_${ownerId(teamId)}`;
/** What Berth before issue 14 named a volume; only used to find one and move its data to `volumeName`. */
export const legacyVolumeName = (team: string, app: string, name: string) => `berth-${team}-${app}-${name}`;
/** Team networks before issue 14 were `berth-team-<slug>`: left to the prune once no container uses them. */
export const LEGACY_TEAM_NETWORK_PREFIX = "berth-team-";

// ------------------------------------------------------------------ Redis keys shared by web and worker
/**
 * A deployment's log: a Redis stream, capped at DEPLOY_LOG_MAX_LINES, kept 14 days. Each entry is one of
 * - `t`: a line of text (the build's output, the deploy's steps);
 * - `build`: JSON of `buildEnd`, once the deployment's build finished (the deploy job waits for it);
 * - `end`: JSON of `deploymentEnd`, once the deployment finished (live, failed, cancelled, superseded):
 *   what a follower ends with. Lines the worker writes after it (old replicas stopping) are history only.
 * Whoever reads lines skips entries without `t`.
 */
export const deployLogKey = (deploymentId: string) => `berth:deploy-log:${deploymentId}`;
export const DEPLOY_LOG_MAX_LINES = 20_000;
export const DEPLOY_LOG_TTL_S = 14 * 86_400;
export const BUILD_OUTCOMES = ["succeeded", "failed", "cancelled"] as const;
export const buildEnd = z.object({ status: z.enum(BUILD_OUTCOMES), error: z.string().nullable().default(null) });
export type BuildEnd = z.infer<typeof buildEnd>;
export const deploymentEnd = z.object({
  status: z.enum(FINISHED_STATES),
  reason: z.string().nullable().default(null),
  releaseVersion: z.number().int().nullable().default(null),
});
export type DeploymentEnd = z.infer<typeof deploymentEnd>;
export type DeployLogEntry =
  | { kind: "line"; id: string; text: string }
  | { kind: "build"; id: string; build: BuildEnd }
  | { kind: "end"; id: string; end: DeploymentEnd };

/** An entry of a deployment's log stream by its fields; null for one this version does not know (or cannot read). */
export function deployLogEntryOf(id: string, fields: readonly string[]): DeployLogEntry | null {
  const f = entryFields(fields);
  if (f.t !== undefined) return { kind: "line", id, text: f.t };
  if (f.end !== undefined) {
    const end = deploymentEnd.safeParse(parseJson(f.end));
    return end.success ? { kind: "end", id, end: end.data } : null;
  }
  if (f.build !== undefined) {
    const build = buildEnd.safeParse(parseJson(f.build));
    return build.success ? { kind: "build", id, build: build.data } : null;
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
/** Set by web to ask the worker running a deployment to stop it; the worker checks it every 500 ms. */
export const deployCancelKey = (deploymentId: string) => `berth:deploy-cancel:${deploymentId}`;
/** Refreshed by each live worker process; a deployment whose owner's key expired is reaped. */
export const workerAliveKey = (ownerId: string) => `berth:worker-alive:${ownerId}`;
export const WORKER_ALIVE_TTL_S = 15;
