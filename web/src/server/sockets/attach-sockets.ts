// socket.io on web's HTTP server: every connection is authenticated from the session cookie,
// every room join is authorised, and events published by the worker on Redis are fanned out.
import type { Server as HttpServer } from "node:http";
import { busMessage, type ClientToServerEvents, EVENTS_CHANNEL, ROOMS, type ServerToClientEvents } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import type { Auth } from "../auth/auth.ts";

type SocketData = { userId: string; role: string };

/** Who may join which room. Unknown rooms are refused. */
export function mayJoin(room: string, user: SocketData): boolean {
  // Host capacity is instance-wide information every signed-in user may see.
  if (room === ROOMS.hosts) return Boolean(user.userId);
  return false;
}

export function attachSockets(opts: { server: HttpServer; auth: Auth; redisUrl: string; trustedOrigins: string[]; log: Logger }) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(opts.server, {
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

  io.on("connection", (socket) => {
    socket.on("subscribe", async (room, ack) => {
      const reply = typeof ack === "function" ? ack : () => {};
      if (typeof room !== "string" || !mayJoin(room, socket.data)) {
        reply({ ok: false, code: "FORBIDDEN", message: "you may not watch this" });
        return;
      }
      await socket.join(room);
      reply({ ok: true });
    });
  });

  // Fan-out of events published by the worker (heartbeats now; deploys and logs later).
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
