// socket.io handlers for browser terminals ("terminal.*"). A session belongs to the socket that
// opened it: only that socket gets its output and exit, and only its input, resizes and close
// are accepted. Each session is pinged while it lives (the host closes idle ones), closed when
// its socket goes, and recorded in the team's audit log when it opens and when it ends. The
// socket's credential is resolved again for every open, and a session whose user may no longer
// exec in that team (socket-rights.ts re-checks) is closed at once.
// Keystrokes and output are never logged.
import { isAppError, type Role, TERMINAL_PING_MS, type TerminalIn, type TerminalOut, terminalInChannel } from "@berth/core";
import { recordAudit } from "../audit/record-audit.ts";
import { clientIp } from "../limits/client-ip.ts";
import type { BerthServerSocket, SocketDeps } from "../sockets/attach-sockets.ts";
import { roleAllows, type SocketUser } from "../sockets/may-join.ts";
import { CREDENTIAL_GONE, type SocketGuard } from "../sockets/socket-rights.ts";
import { type OpenedTerminal, openTerminal } from "./open-terminal.ts";

/** Shells one browser connection may hold at once. */
const MAX_SESSIONS_PER_SOCKET = 8;
/** After a close, how long the host has to report the exit before the session is ended here anyway. */
const CLOSE_WAIT_MS = 10_000;
const MAX_INPUT_CHARS = 65_536;

type Live = { opened: OpenedTerminal; startedAt: number; ping: NodeJS.Timeout; fallback?: NodeJS.Timeout; finished: boolean };

const isSize = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 1_000;

export function registerTerminalHandlers(socket: BerthServerSocket, deps: SocketDeps, guard: SocketGuard): void {
  const log = deps.log.child({ component: "terminal" });
  const relay = deps.terminals;
  const mine = new Map<string, Live>();
  let opening = 0;
  const headers = new Headers();
  for (const [k, v] of Object.entries(socket.handshake.headers)) if (typeof v === "string") headers.set(k, v);
  const ip = clientIp(headers);

  const send = (sessionId: string, msg: TerminalIn) => deps.redis.publish(terminalInChannel(sessionId), JSON.stringify(msg));

  const finish = async (live: Live, exitCode: number | null, reason: string | null) => {
    if (live.finished) return;
    live.finished = true;
    clearInterval(live.ping);
    clearTimeout(live.fallback);
    const { sessionId, teamId, container } = live.opened;
    live.opened.unlisten();
    mine.delete(sessionId);
    if (socket.connected) socket.emit("terminal.exit", { sessionId, exitCode, reason });
    const durationMs = Date.now() - live.startedAt;
    log.info({ session: sessionId, container: container.name, durationMs, exitCode }, "terminal session ended");
    await recordAudit(deps.db, {
      action: "container.terminal.close",
      actorId: socket.data.userId,
      teamId,
      target: container.name,
      ipAddress: ip,
      data: { sessionId, containerId: container.id, app: container.appName, hostId: container.hostId, durationMs, exitCode, reason },
    }).catch((err: Error) => log.error({ session: sessionId, err: err.message }, "could not record a terminal's end"));
  };

  const close = (live: Live) => {
    if (live.finished || live.fallback) return;
    void send(live.opened.sessionId, { type: "close" }).catch(() => {});
    live.fallback = setTimeout(() => void finish(live, null, "closed (the host did not confirm)"), CLOSE_WAIT_MS);
  };

  /** Ends the session at once when `user` may no longer exec in its team. */
  const recheck = async (live: Live, user: SocketUser, reason: string | null) => {
    if (live.finished) return;
    const role = await deps.roles.teamRole(live.opened.teamId, user.userId);
    if (roleAllows(role as Role | null, user, "containers.exec")) return;
    const message = `your access to this terminal was revoked${reason ? `: ${reason}` : ""}`;
    socket.emit("revoked", { version: 1, what: "terminal", sessionId: live.opened.sessionId, message });
    void send(live.opened.sessionId, { type: "close" }).catch(() => {});
    await finish(live, null, message);
  };
  guard.holds(async (user, reason) => {
    for (const live of [...mine.values()]) await recheck(live, user, reason);
  });

  socket.on("terminal.open", async (req, ack) => {
    const reply = typeof ack === "function" ? ack : () => {};
    if (mine.size + opening >= MAX_SESSIONS_PER_SOCKET) {
      reply({ ok: false, code: "RATE_LIMITED", message: `at most ${MAX_SESSIONS_PER_SOCKET} terminals per connection` });
      return;
    }
    opening++;
    // Output that follows "ready" waits here until the browser has the session id.
    const held: TerminalOut[] = [];
    let onMessage: (m: TerminalOut) => void = (m) => {
      held.push(m);
    };
    let opened: OpenedTerminal | undefined;
    try {
      const user = await guard.current();
      if (!user) {
        reply(CREDENTIAL_GONE);
        return;
      }
      opened = await openTerminal({ db: deps.db, redis: deps.redis, relay }, user, req, (m) => onMessage(m));
      const { sessionId, teamId, container } = opened;
      // No audit entry, no session.
      await recordAudit(deps.db, {
        action: "container.terminal.open",
        actorId: socket.data.userId,
        teamId,
        target: container.name,
        ipAddress: ip,
        data: { sessionId, containerId: container.id, app: container.appName, hostId: container.hostId },
      });
      const o = opened;
      const live: Live = {
        opened: o,
        startedAt: Date.now(),
        finished: false,
        ping: setInterval(() => {
          void send(sessionId, { type: "ping" }).then(
            (receivers) => {
              if (receivers === 0) void finish(live, null, `host ${o.container.hostId} went away`);
            },
            () => {},
          );
        }, TERMINAL_PING_MS),
      };
      mine.set(sessionId, live);
      log.info({ session: sessionId, container: container.name, hostId: container.hostId }, "terminal session opened");
      reply({ ok: true, sessionId });
      const deliver = (m: TerminalOut) => {
        if (m.type === "output") socket.emit("terminal.output", { sessionId, data: m.data });
        else if (m.type === "exit") void finish(live, m.exitCode, m.reason);
      };
      onMessage = deliver;
      for (const m of held.splice(0)) deliver(m);
      if (!socket.connected) close(live);
      // A re-check while the host was starting the shell did not see this session yet.
      else
        void guard
          .current()
          .then((now) => (now ? recheck(live, now, null) : undefined))
          .catch(() => {});
    } catch (err) {
      if (opened) {
        // Opened on the host but not recorded: end it there.
        opened.unlisten();
        void send(opened.sessionId, { type: "close" }).catch(() => {});
      }
      if (isAppError(err)) {
        reply({ ok: false, code: err.code, message: err.message });
      } else {
        log.error({ err: (err as Error).message }, "terminal open failed");
        reply({ ok: false, code: "INTERNAL", message: "the terminal could not be opened" });
      }
    } finally {
      opening--;
    }
  });

  socket.on("terminal.input", (sessionId, data) => {
    const live = typeof sessionId === "string" ? mine.get(sessionId) : undefined;
    if (!live || live.finished || typeof data !== "string" || data.length === 0 || data.length > MAX_INPUT_CHARS) return;
    void send(sessionId, { type: "input", data }).catch(() => {});
  });

  socket.on("terminal.resize", (sessionId, cols, rows) => {
    const live = typeof sessionId === "string" ? mine.get(sessionId) : undefined;
    if (!live || live.finished || !isSize(cols) || !isSize(rows)) return;
    void send(sessionId, { type: "resize", cols, rows }).catch(() => {});
  });

  socket.on("terminal.close", (sessionId) => {
    const live = typeof sessionId === "string" ? mine.get(sessionId) : undefined;
    if (live) close(live);
  });

  socket.on("disconnect", () => {
    for (const live of mine.values()) close(live);
  });
}
