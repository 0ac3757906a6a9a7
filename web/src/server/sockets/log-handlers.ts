// socket.io handlers for following an app's runtime log ("logs.follow" / "logs.unfollow").
// The socket joins the app's log room BEFORE history is read: a line written in between then
// arrives both in the answer and live, and the viewer's mergeNewer (core/src/log-merge.ts) keeps
// it once — the other order would lose it.
import { type LogsFollowAck, logsFollow, ROOMS } from "@berth/core";
import { readAppLogs } from "../logs/read-app-logs.ts";
import type { BerthServerSocket, SocketDeps } from "./attach-sockets.ts";
import { mayOnApp } from "./may-join.ts";
import { CREDENTIAL_GONE, type SocketGuard } from "./socket-rights.ts";

/** History lines one answer carries after a cursor; beyond it `more` is set and the viewer pages with the API. */
export const FOLLOW_HISTORY_LIMIT = 2_000;

export function registerLogHandlers(socket: BerthServerSocket, deps: SocketDeps, guard: SocketGuard): void {
  socket.on("logs.follow", async (req, ack) => {
    const reply = typeof ack === "function" ? ack : (_: LogsFollowAck) => {};
    const parsed = logsFollow.safeParse(req);
    if (!parsed.success) {
      reply({ ok: false, code: "BAD_REQUEST", message: parsed.error.issues[0]?.message ?? "invalid request" });
      return;
    }
    const { appId, after, tail } = parsed.data;
    try {
      // The credential is resolved again and the room joined in one step, so a re-check cannot pass in between.
      const refused = await guard.exclusive(async () => {
        const user = await guard.current();
        if (!user) return CREDENTIAL_GONE;
        if (!(await mayOnApp(deps.roles, user, appId, "logs.read")))
          return { ok: false as const, code: "FORBIDDEN", message: "you may not read this app's logs" };
        await socket.join(ROOMS.logs(appId));
        return null;
      });
      if (refused) {
        reply(refused);
        return;
      }
      const history = await readAppLogs(deps, appId, after ? { after, limit: FOLLOW_HISTORY_LIMIT } : { limit: tail });
      // `more` is about lines after the answer (the reader's is about older ones when it tails): the newest lines end the log.
      reply({ ok: true, lines: history.lines, more: after ? history.more : false });
    } catch (err) {
      deps.log.warn({ err, appId }, "logs.follow failed");
      void socket.leave(ROOMS.logs(appId));
      reply({ ok: false, code: "INTERNAL", message: "could not read the log" });
    }
  });

  socket.on("logs.unfollow", (appId) => {
    if (typeof appId === "string") void socket.leave(ROOMS.logs(appId));
  });
}
