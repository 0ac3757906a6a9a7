// web configuration: parsed once per process; the only place in web that reads process.env.
import { resolve } from "node:path";
import { databaseUrl, logLevel, parseConfig, port, redisUrl } from "@berth/core/config";
import { z } from "zod";

export const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  BETTER_AUTH_SECRET: z.string().min(32),
  BERTH_WEB_PORT: port(3000),
  BERTH_PROXY_PORT: port(8080),
  BERTH_CADDY_ADMIN_PORT: port(2019),
  BERTH_REGISTRY_PORT: port(5000),
  /** The dashboard's URL as users reach it (through Caddy). */
  BERTH_PUBLIC_URL: z.string().url().optional(),
  /** Registry token auth: the signing key and certificate (written by infra/lib/secrets.sh). */
  BERTH_REGISTRY_TOKEN_KEY: z.string().default("./.berth/registry/token.key"),
  BERTH_REGISTRY_TOKEN_CERT: z.string().default("./.berth/registry/token.crt"),
  BERTH_REGISTRY_SERVICE: z.string().default("berth-registry"),
  /** Shared secret the registry sends with its notifications. */
  BERTH_REGISTRY_NOTIFY_SECRET: z.string().min(16),
  /** 32 random bytes (base64) that encrypt secrets at rest. */
  BERTH_ENCRYPTION_KEY: z.string().min(40),
  /** Apps are served at `http://<app>-<team>.<BERTH_DOMAIN>[:BERTH_PROXY_PORT]`. */
  BERTH_DOMAIN: z
    .string()
    .toLowerCase()
    .regex(/^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/, "a host name like apps.example.com")
    .default("localhost"),
  /** Uploaded build contexts (`<buildId>.tar`); the worker reads them from the same directory. */
  BERTH_BUILD_DIR: z.string().default("./.berth/builds"),
  /** Bare repositories for `git push` deploys: `<teamId>/<appId>.git` (ids, so renames and names never reach another repo). */
  BERTH_GIT_DIR: z.string().default("./.berth/git"),
  /** The pull-through caches the worker runs (`<name>/registry.sock`): public images are read through them. */
  BERTH_REGISTRY_CACHE_DIR: z.string().default("./.berth/registry-caches"),
  /** Heartbeats older than this mark a host (and its engine) as down. */
  BERTH_HOST_STALE_MS: z.coerce.number().int().min(1_000).default(20_000),
  LOG_LEVEL: logLevel,
  /** Handed on to git (http-backend, archive) and its hooks, which get nothing else of web's environment. */
  PATH: z.string().default("/usr/local/bin:/usr/bin:/bin"),
  HOME: z.string().optional(),
});

export type Env = z.infer<typeof schema> & { publicUrl: string; trustedOrigins: string[]; buildDir: string; gitDir: string; registryCacheDir: string };

let cached: Env | undefined;
export function env(): Env {
  if (cached) return cached;
  const parsed = parseConfig(schema, process.env, "web");
  const publicUrl = parsed.BERTH_PUBLIC_URL ?? `http://localhost:${parsed.BERTH_PROXY_PORT}`;
  const trustedOrigins = [
    publicUrl,
    ...["localhost", "127.0.0.1"].flatMap((h) => [`http://${h}:${parsed.BERTH_PROXY_PORT}`, `http://${h}:${parsed.BERTH_WEB_PORT}`]),
  ];
  cached = {
    ...parsed,
    publicUrl,
    trustedOrigins: [...new Set(trustedOrigins)],
    buildDir: resolve(parsed.BERTH_BUILD_DIR),
    gitDir: resolve(parsed.BERTH_GIT_DIR),
    registryCacheDir: resolve(parsed.BERTH_REGISTRY_CACHE_DIR),
  };
  return cached;
}

/** Setup only (web/scripts/ensure-admin.ts): the first administrator. Not in the process schema, so the running web never holds the first password. */
const setupSchema = z.object({ BERTH_ADMIN_EMAIL: z.string().email(), BERTH_ADMIN_PASSWORD: z.string().min(10) });
export const setupEnv = (): z.infer<typeof setupSchema> => parseConfig(setupSchema, process.env, "ensure-admin");
