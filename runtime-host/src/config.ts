// runtime-host configuration: parsed once at start; the only place that reads process.env.
import { hostname } from "node:os";
import { logLevel, parseConfig, redisUrl } from "@berth/core/config";
import { cidrList } from "@berth/core/fence/cidr-list";
import { z } from "zod";

const defaultHostId =
  hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/^-+/, "")
    .slice(0, 63) || "host";

export const schema = z.object({
  REDIS_URL: redisUrl,
  DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
  BERTH_HOST_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .default(defaultHostId),
  /** Address at which the proxy reaches this host: container ports are published on it (and only on it), and health checks go there. */
  BERTH_HOST_ADDRESS: z.string().default("127.0.0.1"),
  BERTH_HEARTBEAT_MS: z.coerce.number().int().min(500).max(60_000).default(5_000),
  /** How often the containers found on the engine are reported (host.inventory); 0 turns the reports off (tests). */
  BERTH_INVENTORY_MS: z.coerce
    .number()
    .int()
    .refine((ms) => ms === 0 || (ms >= 1_000 && ms <= 3_600_000), "0, or 1000 to 3600000")
    .default(30_000),
  /** This host's private key for the secrets sealed to it (made on first start, mode 600); default .berth/host-keys/<host id>.pem. */
  BERTH_HOST_KEY_FILE: z.string().optional(),
  /** IPv4 ranges app containers may reach although private (a LAN database); the rest of the private, link-local and CGNAT ranges, and this host itself, stay fenced off. */
  BERTH_APP_EGRESS_ALLOW: cidrList,
  LOG_LEVEL: logLevel,
});

export type Config = z.infer<typeof schema> & { hostKeyFile: string };
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = parseConfig(schema, env, "runtime-host");
  return { ...parsed, hostKeyFile: parsed.BERTH_HOST_KEY_FILE ?? `./.berth/host-keys/${parsed.BERTH_HOST_ID}.pem` };
};
