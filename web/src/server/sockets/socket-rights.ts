// Keeps what every socket holds in step with its user's rights. The credential a socket connected
// with (session cookie or access token) is resolved again before each subscription and terminal
// open, and everything the socket holds is re-checked when any web process reports that a user's
// rights shrank (auth/rights-changed.ts, over Redis) and every RECHECK_MS in case such a message was
// lost or a session or token simply expired. What is no longer allowed goes at once: rooms are left,
// terminals closed, and a socket whose credential is gone is told why (`revoked`) and disconnected.
import { isAppError } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Db } from "@berth/db";
import { Redis } from "ioredis";
import type { Auth } from "../auth/auth.ts";
import { resolveCaller } from "../auth/caller.ts";
import { RIGHTS_CHANNEL, rightsChanged } from "../auth/rights-changed.ts";
import type { BerthServer, BerthServerSocket } from "./attach-sockets.ts";
import { credentialHeaders } from "./authenticate-socket.ts";
import { mayJoin, type RoleLookups, type SocketUser } from "./may-join.ts";

/** The safety net's period; a change announced over Redis takes effect within milliseconds. */
export const RECHECK_MS = 30_000;

/** The answer to a request on a socket whose credential is gone (it is being disconnected). */
export const CREDENTIAL_GONE = { ok: false as const, code: "UNAUTHENTICATED", message: "your session or access token is no longer valid" };

/** Something a socket holds besides rooms (its terminals): drops what `user` may no longer have. */
export type Holding = (user: SocketUser, reason: string | null) => Promise<void>;

export type SocketGuard = {
  /** The socket's user as of now; null once its credential is gone (the socket is then told and disconnected). Throws when it cannot tell (Redis or the database away). */
  current: () => Promise<SocketUser | null>;
  /** Runs `fn` alone among this socket's checks and joins, so a join cannot slip in behind a re-check. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Re-checks everything the socket holds. */
  recheck: (reason: string | null) => Promise<void>;
  /** Registers another kind of holding to re-check. */
  holds: (h: Holding) => void;
};

type Deps = { io: BerthServer; db: Db; auth: Auth; redis: Redis; redisUrl: string; roles: RoleLookups; log: Logger };

export function socketRights(deps: Deps) {
  const { log } = deps;
  const guards = new Map<string, { userId: string; guard: SocketGuard }>();

  const sub = new Redis(deps.redisUrl);
  void sub.subscribe(RIGHTS_CHANNEL).catch((err) => log.error({ err: (err as Error).message }, "could not subscribe to rights changes"));
  sub.on("message", (_channel, raw: string) => {
    let parsed: ReturnType<typeof rightsChanged.safeParse>;
    try {
      parsed = rightsChanged.safeParse(JSON.parse(raw));
    } catch {
      return log.warn("dropped a rights-changed message that is not JSON");
    }
    if (!parsed.success) return log.warn({ issue: parsed.error.issues[0]?.message }, "dropped an invalid rights-changed message");
    const users = new Set(parsed.data.userIds);
    for (const { userId, guard } of guards.values()) if (users.has(userId)) void guard.recheck(parsed.data.reason);
  });

  function guard(socket: BerthServerSocket): SocketGuard {
    const headers = credentialHeaders(socket);
    const holdings: Holding[] = [];
    let gone = false;
    let queue: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = queue.then(fn, fn);
      queue = run.catch(() => {});
      return run;
    };

    const revokeConnection = (message: string) => {
      if (!socket.connected || gone) return;
      gone = true;
      log.info({ userId: socket.data.userId, socket: socket.id }, "socket credential gone, disconnecting");
      for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
      socket.emit("revoked", { version: 1, what: "connection", message });
      // After the answer to the request that found out (sent once this turn ends), not before it.
      setTimeout(() => socket.disconnect(true), 0);
    };

    const current = async (): Promise<SocketUser | null> => {
      if (!socket.connected || gone) return null;
      let caller: Awaited<ReturnType<typeof resolveCaller>>;
      try {
        caller = await resolveCaller(deps, headers);
      } catch (err) {
        if (!isAppError(err) || err.code !== "UNAUTHENTICATED") throw err;
        revokeConnection(`${err.message}; connect again with a valid one`);
        return null;
      }
      if (!caller || caller.user.id !== socket.data.userId) {
        revokeConnection("your session ended (signed out, revoked or expired); sign in again");
        return null;
      }
      socket.data = { userId: caller.user.id, role: caller.user.role, scopes: caller.scopes };
      return socket.data;
    };

    const recheck = (reason: string | null) =>
      exclusive(async () => {
        const user = await current().catch((err: Error) => {
          log.warn({ err: err.message, socket: socket.id }, "could not re-check a socket's credential; keeping it until the next check");
          return null;
        });
        if (!user) return;
        for (const room of socket.rooms) {
          if (room === socket.id) continue;
          const allowed = await mayJoin(room, user, deps.roles).catch(() => true);
          if (allowed) continue;
          await socket.leave(room);
          socket.emit("revoked", { version: 1, what: "room", room, message: `you may no longer watch this${reason ? `: ${reason}` : ""}` });
        }
        for (const h of holdings) await h(user, reason).catch((err: Error) => log.warn({ err: err.message }, "re-check of a socket's holding failed"));
      });

    const g: SocketGuard = { current, exclusive, recheck, holds: (h) => holdings.push(h) };
    guards.set(socket.id, { userId: socket.data.userId, guard: g });
    // Spread over the period, so the sockets of one process are not all re-checked at once.
    let timer = setTimeout(
      function tick() {
        void recheck(null);
        timer = setTimeout(tick, RECHECK_MS);
      },
      Math.floor(RECHECK_MS * (0.5 + Math.random() / 2)),
    );
    socket.on("disconnect", () => {
      clearTimeout(timer);
      guards.delete(socket.id);
    });
    return g;
  }

  return {
    guard,
    close: () => {
      sub.disconnect();
      guards.clear();
    },
  };
}
