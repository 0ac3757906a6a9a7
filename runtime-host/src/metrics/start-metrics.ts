// Metrics of this host's app containers: one Engine API stats stream per running container (the
// engine sends a reading about every second); every second the samples gathered per app go out as
// one container.stats bus message and into the app's capped metrics stream in Redis.
import type { Readable } from "node:stream";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import type { Logger } from "@berth/core/logger";
import { APP_METRICS_MAX_SAMPLES, APP_METRICS_TTL_S, appMetricsKey, type ContainerStats } from "@berth/core/logs";
import type Docker from "dockerode";
import type { Redis } from "ioredis";
import type { ContainerHandler, WatchedContainer } from "../logs/watch-containers.ts";
import { type EngineStats, statsSample } from "./stats-sample.ts";

const FLUSH_MS = 1_000;
/** Samples kept per app between flushes if Redis is slow (a few seconds of a large app). */
const MAX_PENDING = 600;

export type Metrics = ContainerHandler & { close: () => Promise<void> };

export function startMetrics(deps: { docker: Docker; redis: Redis; log: Logger; flushMs?: number }): Metrics {
  /** Docker id -> its stats stream (absent while the stream is being opened). */
  const followed = new Map<string, { stream?: Readable }>();
  const pending = new Map<string, ContainerStats[]>();
  let flushing: Promise<void> | undefined;
  let closing = false;
  let failing = false;

  const take = (c: WatchedContainer, line: string) => {
    let sample: ContainerStats | null = null;
    try {
      sample = statsSample(JSON.parse(line) as EngineStats, c);
    } catch (err) {
      deps.log.debug({ err }, "unreadable stats reading");
    }
    if (!sample) return;
    const list = pending.get(c.appId) ?? [];
    if (list.length < MAX_PENDING) list.push(sample);
    pending.set(c.appId, list);
  };

  const follow = async (c: WatchedContainer, entry: { stream?: Readable }) => {
    let stream: Readable;
    try {
      stream = (await deps.docker.getContainer(c.dockerId).stats({ stream: true })) as unknown as Readable;
    } catch (err) {
      if (followed.get(c.dockerId) === entry) followed.delete(c.dockerId);
      deps.log.warn({ err, container: c.name }, "stats stream failed to open");
      return;
    }
    // Stopped (died, destroyed, shutdown) while the stream was being opened.
    if (closing || followed.get(c.dockerId) !== entry) return void stream.destroy();
    entry.stream = stream;
    let buf = "";
    stream.on("data", (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) take(c, line);
    });
    const done = () => {
      if (followed.get(c.dockerId) === entry) followed.delete(c.dockerId);
    };
    stream.once("close", done);
    stream.once("end", done);
    stream.once("error", (err) => {
      done();
      if (!closing) deps.log.debug({ err, container: c.name }, "stats stream ended with an error");
    });
  };

  const stopStream = (id: string) => {
    followed.get(id)?.stream?.destroy();
    followed.delete(id);
  };

  const flush = async () => {
    if (pending.size === 0) return;
    const batch = [...pending];
    pending.clear();
    const multi = deps.redis.multi();
    for (const [appId, samples] of batch) {
      const key = appMetricsKey(appId);
      for (const s of samples) multi.xadd(key, "MAXLEN", "~", APP_METRICS_MAX_SAMPLES, "*", "j", JSON.stringify(s));
      multi.expire(key, APP_METRICS_TTL_S);
      const message: BusMessage = { type: "container.stats", room: ROOMS.metrics(appId), payload: { version: 1, appId, samples } };
      multi.publish(EVENTS_CHANNEL, JSON.stringify(message));
    }
    try {
      await multi.exec();
      if (failing) deps.log.info("writing metrics works again");
      failing = false;
    } catch (err) {
      if (!failing) deps.log.error({ err }, "writing metrics to Redis failed; samples dropped");
      failing = true;
    }
  };

  const timer = setInterval(() => {
    if (!flushing) flushing = flush().finally(() => (flushing = undefined));
  }, deps.flushMs ?? FLUSH_MS);

  return {
    running(c, how) {
      if (closing || how === "exited" || !c.isRunning || followed.has(c.dockerId)) return;
      const entry = {};
      followed.set(c.dockerId, entry);
      void follow(c, entry);
    },
    died: stopStream,
    destroyed: stopStream,
    async close() {
      closing = true;
      clearInterval(timer);
      for (const id of [...followed.keys()]) stopStream(id);
      await flushing;
      await flush();
    },
  };
}
