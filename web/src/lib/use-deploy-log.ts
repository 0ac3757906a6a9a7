"use client";
// A deployment's log in the browser: the history from the API, then the lines the socket brings,
// each once (by id), and only the newest MAX_LOG_LINES held. A catch-up after a reconnect or on a
// timer fetches whatever the socket missed; socket lines wait while one runs, so order holds.
import { DEPLOY_LOG_MAX_LINES, type DeploymentState, isFinished, ROOMS } from "@berth/core";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, describeError } from "./api-client";
import { appendLines, emptyLog, type LogBuffer, type LogLine } from "./log-buffer";
import { useSocket } from "./use-socket";

/** Lines kept in the page; older ones are counted, not rendered. */
export const MAX_LOG_LINES = 5_000;
const PAGE = 5_000;
/** Enough pages for the longest log the server keeps, plus one for lines written meanwhile. */
const MAX_PAGES = Math.ceil(DEPLOY_LOG_MAX_LINES / PAGE) + 1;
/** While the deployment runs, catch up this often in case the socket dropped something. */
const CATCH_UP_MS = 4_000;
/** After the end, one more read this much later, in case the socket missed the last lines. */
const AFTER_END_MS = 6_000;

type Target = { team: string; app: string; id: string; appId: string };

export function useDeployLog(target: Target, opts: { finished: boolean; onStatus: (status: DeploymentState) => void }) {
  const { team, app, id, appId } = target;
  const [buf, setBuf] = useState<LogBuffer>(emptyLog);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string>();
  const bufRef = useRef(buf);
  const syncing = useRef(false);
  const again = useRef(false);
  const pending = useRef<LogLine[]>([]);
  const onStatus = useRef(opts.onStatus);
  onStatus.current = opts.onStatus;

  const take = useCallback((lines: readonly LogLine[]) => {
    const next = appendLines(bufRef.current, lines, MAX_LOG_LINES);
    if (next === bufRef.current) return;
    bufRef.current = next;
    setBuf(next);
  }, []);

  const sync = useCallback(async () => {
    if (syncing.current) {
      again.current = true;
      return;
    }
    syncing.current = true;
    try {
      do {
        again.current = false;
        for (let page = 0; page < MAX_PAGES; page++) {
          const res = await api("getDeploymentLog", { params: { team, app, id }, query: { after: bufRef.current.lastId, limit: PAGE } });
          take(res.lines);
          onStatus.current(res.status);
          if (res.lines.length < PAGE) break;
        }
      } while (again.current);
      setError(undefined);
    } catch (err) {
      setError(describeError(err));
    } finally {
      syncing.current = false;
      const waiting = pending.current;
      pending.current = [];
      take(waiting);
      setLoaded(true);
    }
  }, [team, app, id, take]);

  useEffect(() => {
    void sync();
  }, [sync]);

  useSocket(ROOMS.app(appId), (socket) => {
    let connects = 0;
    socket.on("connect", () => {
      // Lines written while the socket was away are only in the history.
      if (++connects > 1) void sync();
    });
    socket.on("deployment.log", (e) => {
      if (e.deploymentId !== id) return;
      if (syncing.current) pending.current.push(...e.lines);
      else take(e.lines);
    });
    socket.on("deployment.updated", (e) => {
      if (e.deploymentId !== id) return;
      onStatus.current(e.status);
      // The last lines may still be on their way; one read after the end settles it.
      if (isFinished(e.status)) void sync();
    });
  });

  const wasRunning = useRef(!opts.finished);
  useEffect(() => {
    if (opts.finished) {
      if (!wasRunning.current) return;
      // The worker still writes a few lines after the end (old replicas stopping); read them once more.
      const t = setTimeout(() => void sync(), AFTER_END_MS);
      return () => clearTimeout(t);
    }
    wasRunning.current = true;
    const t = setInterval(() => void sync(), CATCH_UP_MS);
    return () => clearInterval(t);
  }, [opts.finished, sync]);

  return { lines: buf.lines, dropped: buf.dropped, loaded, error };
}
