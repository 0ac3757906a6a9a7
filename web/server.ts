// web's entry point: one HTTP server for Next.js pages/API and socket.io (same port). Every
// request must name a host Berth serves (DNS rebinding, http/cross-site.ts; socket.io checks its
// own in attach-sockets.ts) and every answer carries the security headers.
import { createServer } from "node:http";
import next from "next";
import { env } from "./src/env.ts";
import { ctx } from "./src/server/context.ts";
import { gitHttpHandler } from "./src/server/git/git-http.ts";
import { hostAllowed, sitePolicy } from "./src/server/http/cross-site.ts";
import { securityHeaders } from "./src/server/http/security-headers.ts";
import { attachSockets } from "./src/server/sockets/attach-sockets.ts";

const e = env();
const { log, auth, db, redis } = ctx();
const app = next({ dev: e.NODE_ENV !== "production", dir: import.meta.dirname, hostname: "127.0.0.1", port: e.BERTH_WEB_PORT });
await app.prepare();
const handle = app.getRequestHandler();

const git = gitHttpHandler(e);
const site = sitePolicy(e.trustedOrigins);
const headers = Object.entries(securityHeaders({ dev: e.NODE_ENV !== "production" }));
const server = createServer((req, res) => {
  for (const [name, value] of headers) res.setHeader(name, value);
  if (!hostAllowed(site, req.headers.host)) {
    res.writeHead(421, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    res.end(`Berth does not answer for the host "${req.headers.host ?? ""}"; open ${e.publicUrl}\n`);
    return;
  }
  if (git(req, res)) return;
  void handle(req, res);
});
const sockets = attachSockets({ server, auth, db, redis, redisUrl: e.REDIS_URL, trustedOrigins: e.trustedOrigins, log: log.child({ component: "sockets" }) });

server.on("error", (err: NodeJS.ErrnoException) => {
  log.fatal({ err: err.message, port: e.BERTH_WEB_PORT }, err.code === "EADDRINUSE" ? `port ${e.BERTH_WEB_PORT} is already taken` : "server error");
  process.exit(1);
});
server.listen(e.BERTH_WEB_PORT, "127.0.0.1", () => log.info({ url: e.publicUrl, port: e.BERTH_WEB_PORT }, "web started"));

const shutdown = async (signal: string) => {
  log.info({ signal }, "shutting down");
  server.close();
  await sockets.close();
  await ctx().db.$disconnect();
  ctx().redis.disconnect();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
