// socket.io on web's HTTP server: every connection is authenticated (session cookie, or an access
// token in the handshake's `auth.token` — the CLI's) and comes from Berth's own pages or from no
// browser at all (Host and Origin, http/cross-site.ts), every room join and terminal open is
// authorised with the credential resolved again, what a socket holds is dropped when its rights go
// (socket-rights.ts), and events
// published by the worker and runtime-hosts on Redis are fanned out to this process's sockets.
// Several web processes can serve viewers: the Redis adapter carries what one of them emits to
// the others' sockets.
import type { Server as HttpServer } from "node:http";
import type { ClientToServerEvents, Role, ServerToClientEvents } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Db } from "@berth/db";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server, type Socket } from "socket.io";
import type { Auth } from "../auth/auth.ts";
import { foreignOrigin, hostAllowed, sitePolicy } from "../http/cross-site.ts";
import { registerTerminalHandlers } from "../terminal/terminal-handlers.ts";
import { type TerminalRelay, terminalRelay } from "../terminal/terminal-relay.ts";
import { authenticateSocket } from "./authenticate-socket.ts";
import { registerLogHandlers } from "./log-handlers.ts";
import { mayJoin, type RoleLookups, roleLookups, type SocketUser } from "./may-join.ts";
import { relayBus } from "./relay-bus.ts";
import { CREDENTIAL_GONE, type SocketGuard, socketRights } from "./socket-rights.ts";

export type SocketData = SocketUser;
export type BerthServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type BerthServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** What the event handlers of one connection need; the same for every connection. */
export type SocketDeps = { io: BerthServer; db: Db; redis: Redis; log: Logger; appRole: AppRoleLookup; roles: RoleLookups; terminals: TerminalRelay };

/** The caller's role in the team that owns an app; null when not a member (or no such app). */
export type AppRoleLookup = (appId: string, userId: string) => Promise<Role | null>;

export { mayJoin, mayOnApp } from "./may-join.ts";
export type { SocketGuard };

export function attachSockets(opts: { server: HttpServer; auth: Auth; db: Db; redis: Redis; redisUrl: string; trustedOrigins: string[]; log: Logger }) {
  const roles = roleLookups(opts.db);
  const site = sitePolicy(opts.trustedOrigins);
  const io: BerthServer = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(opts.server, {
    path: "/socket.io",
    cors: { origin: opts.trustedOrigins, credentials: true },
    maxHttpBufferSize: 64 * 1024,
    // CORS does not apply to WebSocket: a page elsewhere could open one with the user's cookie.
    // Browsers always send Origin on a WebSocket handshake; clients without one (the CLI) are no browser.
    allowRequest: (req, done) => {
      const headers = new Headers();
      for (const name of ["origin", "referer"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers.set(name, value);
      }
      if (!hostAllowed(site, req.headers.host)) return done("this address is not served by Berth", false);
      if (foreignOrigin(site, headers) !== null) return done("cross-site connection refused", false);
      done(null, true);
    },
  });
  // The adapter's own connections: a subscriber cannot issue other commands.
  const adapterPub = new Redis(opts.redisUrl);
  const adapterSub = adapterPub.duplicate();
  io.adapter(createAdapter(adapterPub, adapterSub));

  io.use(authenticateSocket({ db: opts.db, auth: opts.auth, redis: opts.redis, log: opts.log }));

  const terminals = terminalRelay(opts.redis, opts.log.child({ component: "terminal" }));
  const deps: SocketDeps = { io, db: opts.db, redis: opts.redis, log: opts.log, appRole: roles.appRole, roles, terminals };
  const rights = socketRights({ io, db: opts.db, auth: opts.auth, redis: opts.redis, redisUrl: opts.redisUrl, roles, log: opts.log });
  io.on("connection", (socket) => {
    const guard = rights.guard(socket);
    registerLogHandlers(socket, deps, guard);
    registerTerminalHandlers(socket, deps, guard);
    socket.on("subscribe", async (room, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const answer = await guard
        .exclusive(async () => {
          const user = await guard.current();
          if (!user) return CREDENTIAL_GONE;
          if (typeof room !== "string" || !(await mayJoin(room, user, roles)))
            return { ok: false as const, code: "FORBIDDEN", message: "you may not watch this" };
          await socket.join(room);
          return { ok: true as const };
        })
        .catch((err) => {
          opts.log.warn({ err }, "room check failed");
          return { ok: false as const, code: "UNAVAILABLE", message: "could not check your access; try again" };
        });
      reply(answer);
    });
    socket.on("unsubscribe", (room) => {
      if (typeof room === "string") void socket.leave(room);
    });
  });

  const bus = relayBus({ io, redisUrl: opts.redisUrl, log: opts.log });

  return {
    io,
    close: async () => {
      bus.close();
      rights.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      terminals.close();
      adapterPub.disconnect();
      adapterSub.disconnect();
    },
  };
}
