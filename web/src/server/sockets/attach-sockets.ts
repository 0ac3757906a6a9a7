// socket.io on web's HTTP server: every connection is authenticated from the session cookie,
// every room join is authorised, and events published by the worker on Redis are fanned out.
import type { Server as HttpServer } from "node:http";
import { busMessage, type ClientToServerEvents, EVENTS_CHANNEL, ROOMS, type Role, roleHas, type ServerToClientEvents } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Db } from "@berth/db";
import { Redis } from "ioredis";
import { Server, type Socket } from "socket.io";
import type { Auth } from "../auth/auth.ts";
import { ctx } from "../context.ts";
import { registerTerminalHandlers } from "../terminal/terminal-handlers.ts";
import { registerLogHandlers } from "./log-handlers.ts";

export type SocketData = { userId: string; role: string };
export type BerthServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type BerthServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** What the event handlers of one connection need; the same for every connection. */
export type SocketDeps = { io: BerthServer; db: Db; redis: Redis; log: Logger; appRole: AppRoleLookup };

/** The caller's role in the team that owns an app; null when not a member (or no such app). */
export type AppRoleLookup = (appId: string, userId: string) => Promise<Role | null>;

const APP_ROOM = /^app:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Who may join which room. Unknown rooms are refused. */
export async function mayJoin(room: string, user: SocketData, appRole: AppRoleLookup): Promise<boolean> {
  // Host capacity is instance-wide information every signed-in user may see.
  if (room === ROOMS.hosts) return Boolean(user.userId);
  const app = APP_ROOM.exec(room);
  if (app?.[1] && user.userId) {
    const role = await appRole(app[1], user.userId);
    return role !== null && roleHas(role, "apps.read");
  }
  return false;
}

export const appRoleFrom =
  (db: Db): AppRoleLookup =>
  async (appId, userId) =>
    ((await db.membership.findFirst({ where: { userId, team: { apps: { some: { id: appId } } } }, select: { role: true } }))?.role as Role | undefined) ?? null;

export function attachSockets(opts: { server: HttpServer; auth: Auth; redisUrl: string; trustedOrigins: string[]; log: Logger; db?: Db }) {
  const appRole = appRoleFrom(opts.db ?? ctx().db);
  const io: BerthServer = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(opts.server, {
    path: "/socket.io",
    cors: { origin: opts.trustedOrigins, credentials: true },
    maxHttpBufferSize: 64 * 1024,
  });

  io.use(async (socket, next) => {
    try {
      const headers = new Headers();
      for (const [k, v] of Object.entries(socket.handshake.headers)) if (typeof v === "string") headers.set(k, v);
      const session = await opts.auth.api.getSession({ headers });
      if (!session) return next(new Error("UNAUTHENTICATED"));
      socket.data = { userId: session.user.id, role: (session.user as { role?: string }).role ?? "user" };
      next();
    } catch (err) {
      opts.log.warn({ err }, "socket auth failed");
      next(new Error("UNAUTHENTICATED"));
    }
  });

  const deps: SocketDeps = { io, db: opts.db ?? ctx().db, redis: ctx().redis, log: opts.log, appRole };
  io.on("connection", (socket) => {
    registerLogHandlers(socket, deps);
    registerTerminalHandlers(socket, deps);
    socket.on("subscribe", async (room, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      const allowed =
        typeof room === "string" &&
        (await mayJoin(room, socket.data, appRole).catch((err) => {
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
  });

  // Fan-out of events published by the worker: heartbeats, deployments, their logs, containers.
  const sub = new Redis(opts.redisUrl);
  void sub.subscribe(EVENTS_CHANNEL);
  sub.on("message", (_channel, raw) => {
    let parsed: ReturnType<typeof busMessage.safeParse>;
    try {
      parsed = busMessage.safeParse(JSON.parse(raw));
    } catch {
      opts.log.warn("dropped a bus message that is not JSON");
      return;
    }
    if (!parsed.success) {
      opts.log.warn({ issue: parsed.error.issues[0]?.message }, "dropped an invalid bus message");
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case "host.updated":
        io.to(m.room).emit("host.updated", m.payload);
        break;
      case "deployment.updated":
        io.to(m.room).emit("deployment.updated", m.payload);
        break;
      case "deployment.log":
        io.to(m.room).emit("deployment.log", m.payload);
        break;
      case "container.updated":
        io.to(m.room).emit("container.updated", m.payload);
        break;
      case "app.log":
        io.to(m.room).emit("app.log", m.payload);
        break;
      case "container.stats":
        io.to(m.room).emit("container.stats", m.payload);
        break;
      default: {
        const unhandled: never = m;
        opts.log.warn({ type: (unhandled as { type: string }).type }, "dropped a bus message of an unknown type");
      }
    }
  });

  return {
    io,
    close: async () => {
      sub.disconnect();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
