// router configuration: parsed once at start; the only place in the router that reads process.env.
import { logLevel, parseConfig, port, redisUrl } from "@berth/core/config";
import { z } from "zod";

export const schema = z.object({
  REDIS_URL: redisUrl,
  /** UDP port on 127.0.0.1 where Caddy asks for app upstreams (infra/services/caddy.sh points at it). */
  BERTH_ROUTER_PORT: port(55353),
  /** Full reload of the routes hash, in case a change message was lost. */
  BERTH_ROUTER_RESYNC_MS: z.coerce.number().int().min(500).max(300_000).default(5_000),
  LOG_LEVEL: logLevel,
});

export type RouterConfig = z.infer<typeof schema>;
export const loadRouterConfig = (env: Record<string, string | undefined> = process.env): RouterConfig => parseConfig(schema, env, "router");
