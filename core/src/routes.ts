// The app routing table: which upstreams serve which hostname. The worker writes it (setRoute /
// deleteRoute), the router (worker/src/router) serves it to Caddy as DNS, and Caddy asks per request.
// Changing a route therefore never touches Caddy's config, which would reset in-flight keep-alive
// connections.
import { z } from "zod";

/** Redis hash: field = lowercased hostname, value = JSON of `routeEntry`. */
export const ROUTES_KEY = "berth:routes";
/** Redis pub/sub channel; each message is one hostname whose entry changed (or was deleted). */
export const ROUTES_CHANNEL = "berth:routes:changed";
/** How long Caddy caches a hostname's upstreams (its SRV `refresh`, see infra/services/caddy.sh). */
export const ROUTE_REFRESH_MS = 100;
/** After a route change, every request that starts this much later uses the new upstreams. */
export const ROUTE_SETTLE_MS = ROUTE_REFRESH_MS + 50;
/** The DNS zone under which the router answers A records for upstream addresses. */
export const IP_ZONE = "ip.berth";

const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A hostname as the routing table keys it: lowercase, no trailing dot, DNS labels only. */
export const routeHostname = z
  .string()
  .transform((h) => h.toLowerCase().replace(/\.$/, ""))
  .refine((h) => h.length > 0 && h.length <= 253 && h.split(".").every((l) => label.test(l)), "not a valid hostname");

export const routeUpstream = z.object({
  address: z.ipv4(),
  port: z.number().int().min(1).max(65_535),
});

export const routeEntry = z.object({
  appId: z.string().min(1),
  upstreams: z.array(routeUpstream).min(1),
});

export type RouteUpstream = z.infer<typeof routeUpstream>;
export type RouteEntry = z.infer<typeof routeEntry>;

/** The DNS name the router resolves to `address`: 127.0.0.1 -> "127-0-0-1.ip.berth.". */
export const ipTarget = (address: string): string => `${z.ipv4().parse(address).replaceAll(".", "-")}.${IP_ZONE}.`;

/** The inverse of `ipTarget` (with or without the trailing dot, any case); null for other names. */
export function parseIpTarget(name: string): string | null {
  const m = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.ip\.berth\.?$/i.exec(name);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o, i) => o > 255 || String(o) !== m[i + 1])) return null;
  return octets.join(".");
}

/** Where an app is served: `${app}-${team}.${domain}`, lowercased. */
export const appHostname = (app: string, team: string, domain: string): string => `${app}-${team}.${domain}`.toLowerCase();

/** The few Redis commands the helpers need (ioredis's `Redis` fits). */
export type RoutesRedis = {
  hset(key: string, field: string, value: string): Promise<number>;
  hdel(key: string, field: string): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
};

/** Points `hostname` at `entry`'s upstreams; the router picks it up at once through ROUTES_CHANNEL. */
export async function setRoute(redis: RoutesRedis, hostname: string, entry: RouteEntry): Promise<void> {
  const host = routeHostname.parse(hostname);
  await redis.hset(ROUTES_KEY, host, JSON.stringify(routeEntry.parse(entry)));
  await redis.publish(ROUTES_CHANNEL, host);
}

/** Removes `hostname`: Caddy answers it with "No app is deployed at …" (HTTP 503). */
export async function deleteRoute(redis: RoutesRedis, hostname: string): Promise<void> {
  const host = routeHostname.parse(hostname);
  await redis.hdel(ROUTES_KEY, host);
  await redis.publish(ROUTES_CHANNEL, host);
}
