// One Redis subscriber per socket server (so per web process) for every terminal session it holds: each session's
// `out` channel is subscribed while the session lives, and its messages go to that session's
// listener only (the socket that opened it).
import { type TerminalOut, terminalOut, terminalOutChannel } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Redis } from "ioredis";

export type TerminalRelay = {
  /** Subscribes to a session's output; resolves once Redis confirms, so nothing published after is missed. */
  listen: (sessionId: string, fn: (msg: TerminalOut) => void) => Promise<() => void>;
  /** Ends the subscriber (the socket server is closing). */
  close: () => void;
};
const OUT_PREFIX = terminalOutChannel("");

export function terminalRelay(redis: Redis, log: Logger): TerminalRelay {
  // A connection in subscriber mode can issue nothing else: a dedicated one.
  const sub = redis.duplicate({ maxRetriesPerRequest: null });
  const listeners = new Map<string, (msg: TerminalOut) => void>();
  sub.on("message", (channel: string, raw: string) => {
    if (!channel.startsWith(OUT_PREFIX)) return;
    const fn = listeners.get(channel.slice(OUT_PREFIX.length));
    if (!fn) return;
    let parsed: ReturnType<typeof terminalOut.safeParse>;
    try {
      parsed = terminalOut.safeParse(JSON.parse(raw));
    } catch {
      log.warn({ channel }, "dropped a terminal message that is not JSON");
      return;
    }
    if (parsed.success) fn(parsed.data);
    else log.warn({ channel, issue: parsed.error.issues[0]?.message }, "dropped an invalid terminal message");
  });
  const relay: TerminalRelay = {
    async listen(sessionId, fn) {
      listeners.set(sessionId, fn);
      await sub.subscribe(terminalOutChannel(sessionId));
      return () => {
        if (!listeners.delete(sessionId)) return;
        void sub.unsubscribe(terminalOutChannel(sessionId)).catch(() => {});
      };
    },
    close: () => {
      listeners.clear();
      sub.disconnect();
    },
  };
  return relay;
}
