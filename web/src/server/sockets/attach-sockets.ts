// socket.io on web's HTTP server: every connection is authenticated (session cookie, or an access
// token in the handshake's `auth.token` — the CLI's), every room join is authorised, and events
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
import { registerTerminalHandlers } from "../terminal/terminal-handlers.ts";
import { type TerminalRelay, terminalRelay } from "../terminal/terminal-relay.ts";
import { authenticateSocket } from "./authenticate-socket.ts";
import { registerLogHandlers } from "./log-handlers.ts";
import { mayJoin, type RoleLookups, roleLookups, type SocketUser } from "./may-join.ts";
import { relayBus } from "./relay-bus.ts";

export type SocketData = SocketUser;
export type BerthServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type BerthServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** What the event handlers of one connection need; the same for every connection. */
export type SocketDeps = { io: BerthServer; db: Db; redis: Redis; log: Logger; appRole: AppRoleLookup; roles: RoleLookups; terminals: TerminalRelay };

/** The caller's role in the team that owns an app; null when not a member (or no such app). */
export type AppRoleLookup = (appId: string, userId: string) => Promise<Role | null>;

export { mayJoin, mayOnApp } from "./may-join.ts";

export function attachSockets(opts: { server: HttpServer; auth: Auth; db: Db; redis: Redis; redisUrl: string; trustedOrigins: string[]; log: Logger }) {
  const roles = roleLookups(opts.db);
  const io: BerthServer = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(opts.server, {
    path: "/socket.io",
    cors: { origin: opts.trustedOrigins, credentials: true },
    maxHttpBufferSize: 64 * 1024,
  });
  // The adapter's own connections: a subscriber cannot issue other commands.
  const adapterPub = new Redis(opts.redisUrl);
  const adapterSub = adapterPub.duplicate();
  io.adapter(createAdapter(adapterPub, adapterSub));

  io.use(authenticateSocket({ db: opts.db, auth: opts.auth, redis: opts.redis, log: opts.log }));

  const terminals = terminalRelay(opts.redis, opts.log.child({ component: "terminal" }));
  const deps: SocketDeps = { io, db: opts.db, redis: opts.redis, log: opts.log, appRole: roles.appRole, roles, terminals };
  io.on("connection", (socket) => {
    registerLogHandlers(socket, deps);
    registerTerminalHandlers(socket, deps);
    socket.on("subscribe", async (room, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const allowed =
        typeof room === "string" &&
        (await mayJoin(room, socket.data, roles).catch((err) => {
          opts.log.warn({ err }, "room check failed");
          return false;
        }));
      if (!allowed) {
        reply({ ok: false, code: "FORBIDDEN", message: "you may not watch this" });
        return;
      }
      await socket.join(room);
      reply({ ok: true });
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
      await new Promise<void>((resolve) => io.close(() => resolve()));
      terminals.close();
      adapterPub.disconnect();
      adapterSub.disconnect();
    },
  };
}
