// Where followers put lines: one buffer per app, flushed at most every LOG_FLUSH_MS as one MULTI
// (XADD each line to the app's stream, EXPIRE, SADD to the archive set, HSET the follow cursors of
// the containers flushed) and then one app.log bus message carrying the lines with their ids.
// One flush per app at a time: while Redis is slow lines gather (bounded), and beyond the bound
// they are dropped and counted; the count becomes a marker line in the next flush.

import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import type { Logger } from "@berth/core/logger";
import { APP_LOG_MAX_LINES, APP_LOG_TTL_S, type AppLogLine, appLogKey, LOG_ARCHIVE_SET, LOG_FLUSH_MS, logFollowCursorKey, logStreamOf } from "@berth/core/logs";
import type { Redis } from "ioredis";
import { dropMarker } from "./format-line.ts";

export type SinkLine = {
  /** Full Docker id (the cursor's key); `c` in the stream is its first 12 characters. */
  dockerId: string;
  replica: string;
  s: "o" | "e" | "m";
  ms: number;
  text: string;
  /** The engine's timestamp of the line (none for Berth's own lines). */
  engineTime?: string;
};

/** Per app: lines waiting beyond this are dropped until a flush makes room. */
const MAX_PENDING_LINES = 10_000;
const MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** One flush carries at most this much; the rest goes in the next one, right after. */
const MAX_BATCH_LINES = 1_000;
const MAX_BATCH_BYTES = 1024 * 1024;

type AppBuffer = {
  appId: string;
  lines: SinkLine[];
  bytes: number;
  /** Docker id -> the last engine time handled (kept or dropped on purpose), not yet saved. */
  cursors: Map<string, string>;
  /** Docker id -> lines dropped because the buffer was full (or a flush failed). */
  dropped: Map<string, { replica: string; count: number }>;
  timer?: NodeJS.Timeout;
  flushing?: Promise<void>;
  lastFlushAt: number;
};

export type LogSink = ReturnType<typeof createLogSink>;

export function createLogSink(deps: { redis: Redis; hostId: string; log: Logger; flushMs?: number }) {
  const flushMs = deps.flushMs ?? LOG_FLUSH_MS;
  const cursorKey = logFollowCursorKey(deps.hostId);
  const apps = new Map<string, AppBuffer>();
  let failing = false;
  let closed = false;

  const bufferOf = (appId: string): AppBuffer => {
    let app = apps.get(appId);
    if (!app) {
      app = { appId, lines: [], bytes: 0, cursors: new Map(), dropped: new Map(), lastFlushAt: 0 };
      apps.set(appId, app);
    }
    return app;
  };

  const schedule = (app: AppBuffer) => {
    if (app.timer || app.flushing || closed) return;
    // A quiet app flushes at once; a busy one at most every flushMs.
    const wait = Math.max(0, app.lastFlushAt + flushMs - Date.now());
    app.timer = setTimeout(() => {
      app.timer = undefined;
      app.flushing = flush(app).finally(() => {
        app.flushing = undefined;
        if (app.lines.length || app.cursors.size || app.dropped.size) schedule(app);
        else if (!app.timer) apps.delete(app.appId);
      });
    }, wait);
  };

  const countDropped = (app: AppBuffer, line: SinkLine) => {
    const d = app.dropped.get(line.dockerId);
    if (d) d.count++;
    else app.dropped.set(line.dockerId, { replica: line.replica, count: 1 });
  };

  async function flush(app: AppBuffer): Promise<void> {
    app.lastFlushAt = Date.now();
    const batch: SinkLine[] = [];
    for (const [dockerId, d] of app.dropped)
      batch.push({ dockerId, replica: d.replica, s: "m", ms: Date.now(), text: dropMarker(d.count, "log pipeline behind") });
    app.dropped.clear();
    let bytes = 0;
    let taken = 0;
    while (taken < app.lines.length && taken < MAX_BATCH_LINES && bytes < MAX_BATCH_BYTES) bytes += (app.lines[taken++] as SinkLine).text.length;
    batch.push(...app.lines.splice(0, taken));
    app.bytes -= bytes;
    // Cursors only for what this flush writes: everything handled when the buffer is drained,
    // otherwise each container's last line in the batch.
    let cursors: Map<string, string>;
    if (app.lines.length === 0) {
      cursors = app.cursors;
      app.cursors = new Map();
    } else {
      cursors = new Map();
      for (const l of batch) if (l.engineTime) cursors.set(l.dockerId, l.engineTime);
    }
    if (batch.length === 0 && cursors.size === 0) return;

    const key = appLogKey(app.appId);
    const multi = deps.redis.multi();
    for (const l of batch)
      multi.xadd(key, "MAXLEN", "~", APP_LOG_MAX_LINES, "*", "c", l.dockerId.slice(0, 12), "r", l.replica, "s", l.s, "ts", String(l.ms), "t", l.text);
    if (batch.length) multi.expire(key, APP_LOG_TTL_S).sadd(LOG_ARCHIVE_SET, key);
    if (cursors.size) multi.hset(cursorKey, Object.fromEntries(cursors));
    let results: [Error | null, unknown][] | null;
    try {
      results = await multi.exec();
      if (!results) throw new Error("MULTI aborted");
    } catch (err) {
      if (!failing) deps.log.error({ err, appId: app.appId }, "writing log lines to Redis failed; dropping them");
      failing = true;
      for (const l of batch) if (l.s !== "m") countDropped(app, l);
      return;
    }
    if (failing) deps.log.info("writing log lines to Redis works again");
    failing = false;
    if (batch.length === 0) return;
    const lines: AppLogLine[] = batch.map((l, i) => ({
      id: String(results?.[i]?.[1]),
      ts: new Date(l.ms).toISOString(),
      container: l.dockerId.slice(0, 12),
      replica: l.replica,
      stream: logStreamOf(l.s),
      text: l.text,
    }));
    const message: BusMessage = { type: "app.log", room: ROOMS.logs(app.appId), payload: { version: 1, appId: app.appId, lines } };
    // Not awaited: the next MULTI on this connection queues behind it, so order is kept.
    deps.redis.publish(EVENTS_CHANNEL, JSON.stringify(message)).catch((err) => deps.log.warn({ err }, "publishing app.log failed"));
  }

  return {
    push(appId: string, line: SinkLine) {
      const app = bufferOf(appId);
      if (line.engineTime) app.cursors.set(line.dockerId, line.engineTime);
      if (line.s !== "m" && (app.lines.length >= MAX_PENDING_LINES || app.bytes >= MAX_PENDING_BYTES)) countDropped(app, line);
      else {
        app.lines.push(line);
        app.bytes += line.text.length;
      }
      schedule(app);
    },
    /** A line was handled without being kept (rate limit): the cursor moves past it all the same. */
    advance(appId: string, dockerId: string, engineTime: string) {
      const app = bufferOf(appId);
      app.cursors.set(dockerId, engineTime);
      schedule(app);
    },
    /** Writes what is buffered, then stops accepting timers. */
    async close() {
      closed = true;
      for (let round = 0; round < 20 && apps.size > 0; round++) {
        for (const app of [...apps.values()]) {
          if (app.timer) {
            clearTimeout(app.timer);
            app.timer = undefined;
          }
          await app.flushing;
          if (app.lines.length || app.cursors.size || app.dropped.size) await flush(app);
          if (!app.lines.length && !app.cursors.size && !app.dropped.size) apps.delete(app.appId);
        }
      }
    },
  };
}
