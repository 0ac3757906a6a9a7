// socket.io middleware: who is connecting. The same resolution as the HTTP API (auth/caller.ts):
// an access token (sent as the handshake's `auth: { token }`, since browsers' WebSocket cannot set
// an Authorization header) or else the session cookie. A token keeps its scopes on the socket, so
// every room join is checked against them. The credential is resolved again later (socket-rights.ts)
// from the same handshake, so a revoked token or an ended session stops working on open sockets too.
import { isAppError } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import type { Socket } from "socket.io";
import type { Auth } from "../auth/auth.ts";
import { resolveCaller } from "../auth/caller.ts";

/** The handshake's headers as the HTTP API would see them: the cookie, and the token as a Bearer header. */
export function credentialHeaders(socket: Pick<Socket, "handshake">): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(socket.handshake.headers)) if (typeof v === "string") headers.set(k, v);
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token === "string" && token.length > 0) headers.set("authorization", `Bearer ${token}`);
  return headers;
}

export function authenticateSocket(deps: { db: Db; auth: Auth; redis: Redis; log: Logger }) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    try {
      const caller = await resolveCaller(deps, credentialHeaders(socket));
      if (!caller) return next(new Error("UNAUTHENTICATED"));
      socket.data = { userId: caller.user.id, role: caller.user.role, scopes: caller.scopes };
      next();
    } catch (err) {
      // The client sees only the code (connect_error's message), never why a token failed.
      if (isAppError(err)) return next(new Error(err.code));
      deps.log.warn({ err }, "socket auth failed");
      next(new Error("UNAUTHENTICATED"));
    }
  };
}
