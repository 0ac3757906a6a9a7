// worker configuration: parsed once at start; the only place that reads process.env.
import { resolve } from "node:path";
import { databaseUrl, logLevel, parseConfig, redisUrl } from "@berth/core/config";
import { cidrList } from "@berth/core/fence/cidr-list";
import { z } from "zod";

export const schema = z.object({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  BERTH_REGISTRY_PORT: z.coerce.number().int().default(5000),
  BERTH_REGISTRY_SERVICE: z.string().default("berth-registry"),
  BERTH_REGISTRY_TOKEN_KEY: z.string().default("./.berth/registry/token.key"),
  BERTH_REGISTRY_TOKEN_CERT: z.string().default("./.berth/registry/token.crt"),
  /** How often the image tables are reconciled with the registry. */
  BERTH_RECONCILE_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  BERTH_ENCRYPTION_KEY: z.string().min(40),
  BERTH_REGISTRY_CONFIG: z.string().default("./.berth/registry/config.yml"),
  BERTH_REGISTRY_BIN: z.string().default("docker-registry"),
  /** The pull-through caches this worker runs (worker/src/registry-caches): one directory each, with its unix socket. */
  BERTH_REGISTRY_CACHE_DIR: z
    .string()
    .default("./.berth/registry-caches")
    .transform((p) => resolve(p)),
  /** Pid files of what runs detached from the worker (the caches), where infra/down.sh finds them. */
  BERTH_RUN_DIR: z
    .string()
    .default("./.berth/run")
    .transform((p) => resolve(p)),
  /** How often the worker compares the running caches with the instance settings. */
  BERTH_REGISTRY_CACHE_POLL_MS: z.coerce.number().int().min(500).max(600_000).default(3_000),
  /** Hours between scheduled garbage collections. */
  BERTH_REGISTRY_GC_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  BERTH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** The Docker Engine builds run on. */
  DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
  /** Uploaded build contexts (web writes `<buildId>.tar`, the build deletes it). */
  BERTH_BUILD_DIR: z.string().default("./.berth/builds"),
  /** Where git is found when a build fetches a repository (git gets no other variable of the worker's). */
  PATH: z.string().default("/usr/local/bin:/usr/bin:/bin"),
  /** Builds at once on this worker's engine. */
  BERTH_BUILD_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  BERTH_BUILD_TIMEOUT_S: z.coerce.number().int().min(10).max(7_200).default(900),
  /** Memory of a build's step (no swap beyond it). */
  BERTH_BUILD_MEMORY_MB: z.coerce.number().int().min(64).max(262_144).default(2_048),
  /** CPUs a build's step may use (fractions allowed). */
  BERTH_BUILD_CPUS: z.coerce.number().min(0.1).max(256).default(2),
  /** Processes (and threads) of a whole build at once. */
  BERTH_BUILD_PIDS: z.coerce.number().int().min(16).max(65_536).default(1_024),
  /** The Docker network (and Linux bridge) builds run on: made by the worker, fenced off from this host and private ranges. */
  BERTH_BUILD_NETWORK: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,14}$/, "at most 15 characters: a-z, 0-9, _ . -")
    .default("berth-builds"),
  /** IPv4 ranges builds may reach although private (a package mirror on the LAN). */
  BERTH_BUILD_EGRESS_ALLOW: cidrList,
  /** Deployments at once (different apps; one app's deployments never overlap). */
  BERTH_DEPLOY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Hard limit for one deployment, build included. */
  BERTH_DEPLOY_TIMEOUT_S: z.coerce.number().int().min(30).max(7_200).default(1_200),
  /** How long old replicas keep serving requests already sent to them after the route switched. */
  BERTH_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  /** Apps answer at http://<app>-<team>.<BERTH_DOMAIN>. */
  BERTH_DOMAIN: z.string().default("localhost"),
  BERTH_PROXY_PORT: z.coerce.number().int().default(8080),
  /** The dashboard's URL (as web has it): its host is one of the control plane's own, which the outbound policy refuses. */
  BERTH_PUBLIC_URL: z.string().url().optional(),
  /** A host whose last heartbeat is older than this is offline (same setting as web). */
  BERTH_HOST_STALE_MS: z.coerce.number().int().min(1_000).default(20_000),
  /** Log lines (runtime and deploy) older than this are deleted from Postgres, hourly. */
  BERTH_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(7),
  /** How often the log archiver copies new lines from Redis streams to Postgres. */
  BERTH_LOG_ARCHIVE_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  LOG_LEVEL: logLevel,
});

export type Config = z.infer<typeof schema>;
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => parseConfig(schema, env, "worker");
