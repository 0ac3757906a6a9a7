// router: a tiny DNS server that tells Caddy which upstreams serve each app hostname. The table is
// the Redis hash ROUTES_KEY (written through core/src/routes.ts); a message on ROUTES_CHANNEL
// reloads one hostname at once, and a full reload every few seconds repairs lost messages.
import { createLogger } from "@berth/core/logger";
import { ROUTES_CHANNEL, ROUTES_KEY } from "@berth/core/routes";
import { Redis } from "ioredis";
import { loadRouterConfig } from "./config.ts";
import { startDnsServer } from "./dns-server.ts";
import { RouteTable } from "./route-table.ts";

const config = loadRouterConfig();
const log = createLogger({ process: "router", level: config.LOG_LEVEL });
const table = new RouteTable(log.child({ component: "routes" }));
// Every read goes through one connection, so Redis answers them in order: a reload of one field
// is never overtaken by an older full reload.
const redis = new Redis(config.REDIS_URL);
const subscriber = new Redis(config.REDIS_URL);
redis.on("error", (err) => log.warn({ err: err.message }, "redis connection error"));
subscriber.on("error", (err) => log.warn({ err: err.message }, "redis subscriber connection error"));

async function reloadAll(reason: "start" | "resync" | "reconnect") {
  const changed = table.replaceAll(await redis.hgetall(ROUTES_KEY));
  if (reason !== "resync" || changed > 0) log.info({ reason, routes: table.size, changed }, "routes loaded");
}

async function reloadOne(hostname: string) {
  const result = table.apply(hostname, await redis.hget(ROUTES_KEY, hostname));
  log.debug({ hostname, result }, "route reloaded");
}

subscriber.on("message", (channel: string, hostname: string) => {
  if (channel !== ROUTES_CHANNEL) return;
  reloadOne(hostname).catch((err: unknown) => log.error({ err, hostname }, "reloading a route failed"));
});

// Subscribe before the first full load, so a change made in between is not missed.
let started = false;
try {
  await subscriber.subscribe(ROUTES_CHANNEL);
  await reloadAll("start");
} catch (err) {
  log.fatal({ err }, "could not load the routes from Redis");
  process.exit(1);
}
// Messages published while the subscriber was disconnected are lost: reload everything.
subscriber.on("ready", () => {
  if (started) reloadAll("reconnect").catch((err: unknown) => log.error({ err }, "reloading routes failed"));
});
started = true;

const server = await startDnsServer({ host: "127.0.0.1", port: config.BERTH_ROUTER_PORT, table, log: log.child({ component: "dns" }) }).catch(
  (err: unknown) => {
    log.fatal({ err, port: config.BERTH_ROUTER_PORT }, "could not listen for DNS queries (set BERTH_ROUTER_PORT in .berth/berth.env)");
    process.exit(1);
  },
);
const resync = setInterval(() => {
  reloadAll("resync").catch((err: unknown) => log.error({ err }, "reloading routes failed"));
}, config.BERTH_ROUTER_RESYNC_MS);
log.info({ address: `udp/127.0.0.1:${server.port}`, routes: table.size }, "router started");

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  clearInterval(resync);
  await server.close();
  subscriber.disconnect();
  redis.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
