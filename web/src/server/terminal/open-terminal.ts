// Opens a shell in one of a team's running containers for a socket's user: the team by slug and
// the caller's role in it (containers.exec; an access token's scopes must cover it), the
// container by id within that team only, then the open published to the container's host, whose
// "ready" (or "exit" with a reason) comes back on the session's channel within OPEN_TIMEOUT_MS.
import { randomUUID } from "node:crypto";
import { AppError, type Role, type TerminalOut, terminalInChannel, terminalOpen, terminalOpenChannel, terminalOpenRequest } from "@berth/core";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { requireAdminForPrivilegedContainer } from "../apps/privileged-app.ts";
import type { SocketUser } from "../sockets/may-join.ts";
import { roleAllows } from "../sockets/may-join.ts";
import type { TerminalRelay } from "./terminal-relay.ts";

const OPEN_TIMEOUT_MS = 5_000;
export const DEFAULT_TERMINAL_CMD = ["/bin/sh"];

export type OpenedTerminal = {
  sessionId: string;
  teamId: string;
  container: { id: string; name: string; hostId: string; appName: string | null };
  /** Stops listening for the session's messages. */
  unlisten: () => void;
};

type Deps = { db: Db; redis: Redis; relay: TerminalRelay };

/** `onMessage` gets every message after "ready" (output, exit), possibly before this resolves: the caller holds them until it has answered. */
export async function openTerminal(deps: Deps, user: SocketUser, raw: unknown, onMessage: (msg: TerminalOut) => void): Promise<OpenedTerminal> {
  const parsed = terminalOpenRequest.safeParse(raw);
  if (!parsed.success) throw new AppError("BAD_REQUEST", parsed.error.issues[0]?.message ?? "invalid terminal request");
  const req = parsed.data;

  const membership = await deps.db.membership.findFirst({ where: { userId: user.userId, team: { slug: req.team } }, select: { role: true, teamId: true } });
  // Not a member: the team is as good as absent (as in the HTTP API).
  if (!membership) throw new AppError("NOT_FOUND", `team "${req.team}" not found`);
  if (!roleAllows(membership.role as Role, user, "containers.exec")) {
    throw new AppError("FORBIDDEN", `your role in ${req.team} (${membership.role}) or your token does not allow containers.exec`);
  }
  const row = await deps.db.container.findFirst({ where: { id: req.containerId, teamId: membership.teamId }, include: { app: { select: { name: true } } } });
  if (!row) throw new AppError("NOT_FOUND", `container ${req.containerId} not found`);
  // The instance role as it is now, not as it was at the handshake.
  const now = await deps.db.user.findUnique({ where: { id: user.userId }, select: { role: true } });
  await requireAdminForPrivilegedContainer(deps.db, now ? { role: now.role ?? "user", scopes: user.scopes } : null, row, "open a terminal in it");
  if (row.state !== "running") throw new AppError("CONFLICT", `container ${row.name} is ${row.state}, not running`);

  const sessionId = randomUUID();
  let answer: (m: TerminalOut) => void = () => {};
  const first = new Promise<TerminalOut>((resolve) => {
    answer = resolve;
  });
  // The first message answers the open; what follows it (the prompt, often in the same read) is the caller's.
  let answered = false;
  const unlisten = await deps.relay.listen(sessionId, (m) => {
    if (answered) return onMessage(m);
    answered = true;
    answer(m);
  });
  try {
    const open = terminalOpen.parse({ version: 1, sessionId, container: row.name, cmd: DEFAULT_TERMINAL_CMD, cols: req.cols, rows: req.rows });
    const receivers = await deps.redis.publish(terminalOpenChannel(row.hostId), JSON.stringify(open));
    if (receivers === 0) throw new AppError("UNAVAILABLE", `host ${row.hostId} is offline`);
    let timer: NodeJS.Timeout | undefined;
    const reply = await Promise.race([
      first,
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), OPEN_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (reply === "timeout") {
      // The host may still start it: tell it not to.
      await deps.redis.publish(terminalInChannel(sessionId), JSON.stringify({ type: "close" }));
      throw new AppError("UNAVAILABLE", `host ${row.hostId} did not start the terminal in time`);
    }
    if (reply.type === "exit") throw new AppError("CONFLICT", reply.reason ?? `the shell exited at once (code ${reply.exitCode})`);
    if (reply.type !== "ready") throw new AppError("INTERNAL", "the host answered out of order");
    return { sessionId, teamId: membership.teamId, container: { id: row.id, name: row.name, hostId: row.hostId, appName: row.app?.name ?? null }, unlisten };
  } catch (err) {
    unlisten();
    throw err;
  }
}
