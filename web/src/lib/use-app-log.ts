"use client";
// An app's runtime log, live: "logs.follow" answers with the history the page has not seen (its
// last lines at first, everything after the last shown line on a reconnect) and then "app.log"
// events bring new lines. Live lines that arrive before the history answer wait for it, and every
// batch goes through mergeNewer, so the page never shows a gap, a duplicate or a line out of order.
import { type AppLogLine, mergeNewer } from "@berth/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, describeError } from "./api-client";
import { type BerthSocket, useSocket } from "./use-socket";

/** Lines kept in the page; older ones are let go (search finds them). */
export const MAX_APP_LOG_LINES = 5_000;
/** Lines of history shown when the page opens. */
const TAIL = 500;
/** A follow answer later than this counts as failed and is tried again. */
const FOLLOW_TIMEOUT_MS = 15_000;
const FOLLOW_ATTEMPTS = 5;
const RETRY_MS = 2_000;
/** After a long absence the history is paged through the API, this many lines at a time, at most MAX_PAGES times. */
const PAGE = 5_000;
const MAX_PAGES = 4;

type Target = { team: string; app: string; appId: string };

export type AppLog = {
  lines: AppLogLine[];
  /** Lines received since the page opened (new lines are counted from this while paused). */
  received: number;
  /** Lines let go from the front of `lines`. */
  dropped: number;
  /** The first history answer has arrived. */
  loaded: boolean;
  connected: boolean;
  error: string | undefined;
};

export function useAppLog({ team, app, appId }: Target): AppLog {
  const [state, setState] = useState<AppLog>({ lines: [], received: 0, dropped: 0, loaded: false, connected: false, error: undefined });
  const lastId = useRef<string | undefined>(undefined);
  // While a follow is answered, live lines wait here (they may be newer than a gap the answer fills).
  const following = useRef(false);
  const pending = useRef<AppLogLine[]>([]);
  const generation = useRef(0);

  // A flood brings many small batches: they are merged at once (the cursor must move on) but drawn
  // together, once per animation frame.
  const queued = useRef<AppLogLine[]>([]);
  const skipped = useRef(0);
  const received = useRef(0);
  const frame = useRef<number | null>(null);
  const draw = useCallback(() => {
    frame.current = null;
    const fresh = queued.current;
    const gone = skipped.current;
    queued.current = [];
    skipped.current = 0;
    if (fresh.length === 0) return;
    setState((s) => {
      const all = s.lines.concat(fresh);
      const cut = Math.max(0, all.length - MAX_APP_LOG_LINES);
      return { ...s, lines: cut > 0 ? all.slice(cut) : all, dropped: s.dropped + cut + gone, received: received.current };
    });
  }, []);
  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const take = useCallback(
    (...batches: (readonly AppLogLine[])[]) => {
      const merged = mergeNewer(lastId.current, ...batches);
      if (merged.lines.length === 0) return;
      lastId.current = merged.lastId;
      received.current += merged.lines.length;
      for (const line of merged.lines) queued.current.push(line);
      // Bounded: a hidden tab gets no frames; only the newest page's worth waits.
      const over = queued.current.length - MAX_APP_LOG_LINES;
      if (over > 0) {
        queued.current = queued.current.slice(over);
        skipped.current += over;
      }
      frame.current ??= requestAnimationFrame(draw);
    },
    [draw],
  );

  const release = useCallback(() => {
    following.current = false;
    const waiting = pending.current;
    pending.current = [];
    take(waiting);
  }, [take]);

  const follow = useCallback(
    (socket: BerthSocket, attempt = 1) => {
      const gen = ++generation.current;
      following.current = true;
      socket.timeout(FOLLOW_TIMEOUT_MS).emit("logs.follow", { appId, after: lastId.current, tail: TAIL }, async (err, res) => {
        // A newer follow (a reconnect meanwhile) owns the pending lines now.
        if (gen !== generation.current) return;
        const failure = err ? "the server did not answer" : res.ok ? undefined : res.message;
        if (failure !== undefined) {
          setState((s) => ({ ...s, loaded: true, error: `Live log unavailable: ${failure}` }));
          if (attempt < FOLLOW_ATTEMPTS && socket.connected) {
            setTimeout(() => {
              if (gen === generation.current && socket.connected) follow(socket, attempt + 1);
            }, RETRY_MS * attempt);
          } else release();
          return;
        }
        if (!res.ok) return;
        take(res.lines);
        let more = res.more;
        try {
          // More was missed than one answer holds: the rest comes from the API before the live lines.
          for (let page = 0; more && page < MAX_PAGES && gen === generation.current; page++) {
            const next = await api("listAppLogs", { params: { team, app }, query: { after: lastId.current, limit: PAGE } });
            take(next.lines);
            more = next.more;
          }
          setState((s) => ({ ...s, loaded: true, error: undefined }));
        } catch (e) {
          setState((s) => ({ ...s, loaded: true, error: `Could not read the missed lines: ${describeError(e)}` }));
        }
        if (gen === generation.current) release();
      });
    },
    [appId, team, app, take, release],
  );

  useSocket(null, (socket) => {
    // Every connect, the first and each reconnect, follows from the last line shown.
    socket.on("connect", () => {
      setState((s) => ({ ...s, connected: true }));
      follow(socket);
    });
    socket.on("disconnect", () => setState((s) => ({ ...s, connected: false })));
    socket.on("app.log", (e) => {
      if (e.appId !== appId) return;
      if (following.current) pending.current.push(...e.lines);
      else take(e.lines);
    });
  });

  return state;
}
