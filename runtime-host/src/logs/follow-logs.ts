// One session of following a container's log through the Engine API (logs?follow&timestamps):
// demultiplexed, split into lines, resumed after `since` without repeating a line, rate-limited
// (the excess is counted and reported by a marker line, never dropped silently), cut, redacted,
// and handed to the sink. The session ends when the engine ends the stream (the container stopped)
// or when stopped; the caller decides whether to follow again.
import type { Readable } from "node:stream";
import { LOG_LINE_MAX_BYTES, LOG_RATE } from "@berth/core/logs";
import type Docker from "dockerode";
import { createDemuxer } from "../containers/demux.ts";
import { compareEngineTimes, type EngineTime } from "./engine-time.ts";
import { dropMarker, formatCount, formatLine } from "./format-line.ts";
import { createLineAssembler, type RawLine } from "./line-assembler.ts";
import type { LogSink } from "./log-sink.ts";
import type { Redactor } from "./redact.ts";
import { createTokenBucket, type TokenBucket } from "./token-bucket.ts";

export type LogTarget = { dockerId: string; name: string; appId: string; tty: boolean; redactor: Redactor };

export type LogSession = {
  /** Resolves when the stream ended (never rejects). */
  ended: Promise<void>;
  stop: () => void;
};

const RATE_REASON = `over ${formatCount(LOG_RATE.linesPerSecond)} lines/s`;

export function followLogs(deps: {
  docker: Docker;
  sink: LogSink;
  target: LogTarget;
  /** Lines at or before this time were handled already (by this process or before a restart). */
  since: EngineTime | null;
  /** Called with each line's time as it is handled, so a later session resumes after it. */
  onProgress: (time: EngineTime) => void;
  /** Shared by the sessions of one container, so a restart does not refill the burst. */
  bucket?: TokenBucket;
  onError: (err: unknown) => void;
}): LogSession {
  const { sink, target, since } = deps;
  const bucket = deps.bucket ?? createTokenBucket({ rate: LOG_RATE.linesPerSecond, burst: LOG_RATE.burst });
  let stream: Readable | undefined;
  let stopped = false;
  let dropped = 0;
  let lastMarkerAt = 0;
  let markerTimer: NodeJS.Timeout | undefined;

  const system = (text: string) => sink.push(target.appId, { dockerId: target.dockerId, replica: target.name, s: "m", ms: Date.now(), text });
  const reportDropped = () => {
    clearTimeout(markerTimer);
    markerTimer = undefined;
    if (dropped === 0) return;
    system(dropMarker(dropped, RATE_REASON));
    dropped = 0;
    lastMarkerAt = Date.now();
  };

  const handle = (code: "o" | "e", line: RawLine) => {
    const time = line.time;
    if (time) {
      if (since && compareEngineTimes(time, since) <= 0) return;
      deps.onProgress(time);
    }
    if (!bucket.take(time?.ms)) {
      if (dropped === 0) lastMarkerAt = Date.now();
      dropped++;
      if (time) sink.advance(target.appId, target.dockerId, time.raw);
      // While dropping, say so at least every second, even if the flood never pauses or goes quiet.
      if (Date.now() - lastMarkerAt >= 1_000) reportDropped();
      else markerTimer ??= setTimeout(reportDropped, 1_000);
      return;
    }
    if (dropped) reportDropped();
    sink.push(target.appId, {
      dockerId: target.dockerId,
      replica: target.name,
      s: code,
      ms: time?.ms ?? Date.now(),
      text: formatLine(line, LOG_LINE_MAX_BYTES, target.redactor),
      ...(time ? { engineTime: time.raw } : {}),
    });
  };

  const out = createLineAssembler({ maxBytes: LOG_LINE_MAX_BYTES, onLine: (l) => handle("o", l) });
  const err = createLineAssembler({ maxBytes: LOG_LINE_MAX_BYTES, onLine: (l) => handle("e", l) });
  // A TTY container's output is not multiplexed (Berth does not make them, but stay correct).
  const feed = target.tty ? (chunk: Buffer) => out.push(chunk, false) : createDemuxer((f) => (f.stream === "stderr" ? err : out).push(f.payload, true));

  const run = async () => {
    try {
      // `since` has one-second precision: ask from that second and skip what was handled.
      stream = (await deps.docker.getContainer(target.dockerId).logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        since: since ? Math.floor(since.sec) : 0,
      })) as unknown as Readable;
      if (stopped) {
        stream.destroy();
        return;
      }
      await new Promise<void>((resolve) => {
        stream?.on("data", feed);
        stream?.once("end", resolve);
        stream?.once("close", resolve);
        stream?.once("error", (e) => {
          if (!stopped) deps.onError(e);
          resolve();
        });
      });
    } catch (e) {
      if (!stopped) deps.onError(e);
    } finally {
      out.end();
      err.end();
      reportDropped();
    }
  };

  const ended = run();
  return {
    ended,
    stop() {
      stopped = true;
      stream?.destroy();
    },
  };
}
