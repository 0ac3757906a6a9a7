// worker configuration: parsed once at start; the only place that reads process.env.
import { databaseUrl, logLevel, parseConfig, redisUrl } from "@berth/core/config";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  BERTH_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  LOG_LEVEL: logLevel,
});

export type Config = z.infer<typeof schema>;
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => parseConfig(schema, env, "worker");
