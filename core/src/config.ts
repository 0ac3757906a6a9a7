// Field schemas shared by each process's own config module (web/src/env.ts,
// worker/src/config.ts, runtime-host/src/config.ts). Only those modules read process.env.
import { z } from "zod";

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);
export const logLevel = z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info");
export const databaseUrl = z.string().url().startsWith("postgresql://");
export const redisUrl = z.string().url().startsWith("redis://");

export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, processName: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`${processName}: invalid configuration (set these in .berth/berth.env):\n${lines}`);
  }
  return result.data;
}
