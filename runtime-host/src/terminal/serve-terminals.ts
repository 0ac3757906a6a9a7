// Terminal sessions addressed to this host: web publishes `terminalOpen` on the host's channel
// (which only this host's subscriber listens to), then the session's input on its `in` channel.
// One dedicated subscriber connection carries both; answers go out on the shared connection.
import type { Logger } from "@berth/core/logger";
import { type TerminalOut, terminalIn, terminalInChannel, terminalOpen, terminalOpenChannel, terminalOutChannel } from "@berth/core/logs";
import type Docker from "dockerode";
import type { Redis } from "ioredis";
import { runTerminalSession, type TerminalSession } from "./run-terminal-session.ts";

/** Shells open at once on one host; one more is refused with a reason. */
export const MAX_TERMINAL_SESSIONS = 32;

const IN_PREFIX = terminalInChannel("");

export function serveTerminals(opts: { docker: Docker; redis: Redis; hostId: string; log: Logger }): () => void {
  const { docker, redis, log } = opts;
  const openChannel = terminalOpenChannel(opts.hostId);
  const sub = redis.duplicate();
  const sessions = new Map<string, TerminalSession>();

  const publisher = (sessionId: string) => (msg: TerminalOut) => {
    void redis
      .publish(terminalOutChannel(sessionId), JSON.stringify(msg))
      .catch((err: Error) => log.warn({ session: sessionId, err: err.message }, "could not publish terminal output"));
  };

  const open = async (raw: unknown) => {
    const parsed = terminalOpen.safeParse(raw);
    if (!parsed.success) {
      log.warn({ issue: parsed.error.issues[0]?.message }, "dropped an invalid terminal open");
      return;
    }
    const req = parsed.data;
    const publish = publisher(req.sessionId);
    if (sessions.has(req.sessionId)) return;
    if (sessions.size >= MAX_TERMINAL_SESSIONS) {
      publish({ type: "exit", exitCode: null, reason: `this host already has ${MAX_TERMINAL_SESSIONS} terminal sessions open; try again later` });
      return;
    }
    // Listen for input before the shell starts, so a close sent meanwhile is not lost.
    const inChannel = terminalInChannel(req.sessionId);
    await sub.subscribe(inChannel);
    const session = runTerminalSession({ docker, publish, log }, req);
    sessions.set(req.sessionId, session);
    log.info({ session: req.sessionId, container: req.container, open: sessions.size }, "terminal session started");
    await session.done;
    sessions.delete(req.sessionId);
    await sub.unsubscribe(inChannel).catch(() => {});
    log.info({ session: req.sessionId, open: sessions.size }, "terminal session ended");
  };

  sub.on("message", (channel: string, raw: string) => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      log.warn({ channel }, "dropped a terminal message that is not JSON");
      return;
    }
    if (channel === openChannel) {
      void open(body).catch((err: Error) => log.error({ err: err.message }, "terminal open failed"));
      return;
    }
    if (!channel.startsWith(IN_PREFIX)) return;
    const msg = terminalIn.safeParse(body);
    if (msg.success) sessions.get(channel.slice(IN_PREFIX.length))?.handle(msg.data);
  });
  void sub.subscribe(openChannel).then(
    () => log.info({ channel: openChannel }, "accepting terminal sessions"),
    (err: Error) => log.error({ err: err.message }, "could not subscribe to terminal opens"),
  );

  // A restart of this agent must not leave shells running in containers with nobody attached.
  process.once("exit", () => {
    for (const s of sessions.values()) s.hangUpNow();
  });

  return () => {
    for (const s of sessions.values()) s.handle({ type: "close" });
    sub.disconnect();
  };
}
