// worker configuration: parsed once at start; the only place that reads process.env.
import { databaseUrl, logLevel, parseConfig, redisUrl } from "@berth/core/config";
import { z } from "zod";

const schema = z.object({
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
  /** Hours between scheduled garbage collections. */
  BERTH_REGISTRY_GC_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  BERTH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LOG_LEVEL: logLevel,
});

export type Config = z.infer<typeof schema>;
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => parseConfig(schema, env, "worker");
