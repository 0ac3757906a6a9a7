// The host's log pipeline: a follower per running app container (see follow-logs.ts), started and
// ended by the container watcher, resumed from the cursor saved in Redis so a runtime-host restart
// neither repeats nor loses a line, plus Berth's own lines for a container's start and exit.

import { LABELS } from "@berth/core/host-jobs";
import type { Logger } from "@berth/core/logger";
import { LOG_RATE, logFollowCursorKey } from "@berth/core/logs";
import type Docker from "dockerode";
import type { Redis } from "ioredis";
import { HOST_LABEL } from "../containers/create-container.ts";
import { type EngineTime, parseEngineTime } from "./engine-time.ts";
import { followLogs, type LogSession, type LogTarget } from "./follow-logs.ts";
import { createLogSink } from "./log-sink.ts";
import { createRedactor, secretValues } from "./redact.ts";
import { createTokenBucket, type TokenBucket } from "./token-bucket.ts";
import type { ContainerHandler, WatchedContainer } from "./watch-containers.ts";

type Tracked = {
  target: LogTarget;
  bucket: TokenBucket;
  session?: LogSession;
  /** A start event came while the previous session was still draining: follow again after it. */
  again: boolean;
  /** Lifecycle lines in order: an exit line waits for the session's last lines. */
  chain: Promise<void>;
  quickEnds: number;
  gone: boolean;
  /** The engine may still be writing a stopped container's last lines when its stream ends: read once more. */
  finalPass: boolean;
  /** Resolves when the current run's output has been read to its end (an exit line waits for it). */
  runEnded: Promise<void>;
  endRun: () => void;
};

const newRun = (t: Tracked) => {
  t.finalPass = false;
  t.runEnded = new Promise<void>((resolve) => {
    t.endRun = resolve;
  });
};

/** How long an exit line waits for the container's last lines (a flood takes a while to read) before it is written anyway. */
const EXIT_LINE_WAIT_MS = 30_000;
/** Wait before reading a stopped container's log once more. */
const FINAL_PASS_MS = 300;
/** A stream that keeps ending while the container runs is followed again at most this often in a row. */
const MAX_QUICK_ENDS = 5;

export type LogPipeline = ContainerHandler & { close: () => Promise<void> };

export function startLogPipeline(deps: { docker: Docker; redis: Redis; hostId: string; log: Logger }): LogPipeline {
  const sink = createLogSink({ redis: deps.redis, hostId: deps.hostId, log: deps.log });
  const cursorKey = logFollowCursorKey(deps.hostId);
  const tracked = new Map<string, Tracked>();
  /** Docker id -> the time of the last line handled in this process. */
  const progress = new Map<string, EngineTime>();
  let closing = false;

  const system = (t: Tracked, text: string) =>
    sink.push(t.target.appId, { dockerId: t.target.dockerId, replica: t.target.name, s: "m", ms: Date.now(), text: `[berth] ${text}` });
  const lifecycle = (t: Tracked, step: () => Promise<unknown> | undefined, text: string) => {
    t.chain = t.chain.then(step).then(
      () => system(t, text),
      () => system(t, text),
    );
  };

  const sinceOf = async (dockerId: string): Promise<EngineTime | null> => {
    const known = progress.get(dockerId);
    if (known) return known;
    try {
      const raw = await deps.redis.hget(cursorKey, dockerId);
      return raw ? parseEngineTime(raw) : null;
    } catch (err) {
      deps.log.warn({ err, dockerId }, "could not read the log cursor; following from the start");
      return null;
    }
  };

  const follow = async (t: Tracked) => {
    const since = await sinceOf(t.target.dockerId);
    if (closing || t.gone) return;
    const began = Date.now();
    const session = followLogs({
      docker: deps.docker,
      sink,
      target: t.target,
      since,
      bucket: t.bucket,
      onProgress: (time) => progress.set(t.target.dockerId, time),
      onError: (err) => deps.log.warn({ err, container: t.target.name }, "log stream failed"),
    });
    t.session = session;
    await session.ended;
    if (closing || t.gone) return t.endRun();
    if (t.again) {
      t.again = false;
      t.endRun();
      newRun(t);
      return void follow(t);
    }
    const running = await deps.docker
      .getContainer(t.target.dockerId)
      .inspect()
      .then(
        (i) => i.State.Running,
        () => false,
      );
    if (closing || t.gone) return t.endRun();
    if (t.again) {
      t.endRun();
      newRun(t);
    }
    if (t.again || running) {
      t.again = false;
      // The engine ended the stream of a running container: follow again, but not in a tight loop.
      t.quickEnds = running && Date.now() - began < 5_000 ? t.quickEnds + 1 : 0;
      if (t.quickEnds > MAX_QUICK_ENDS) {
        deps.log.error({ container: t.target.name }, "log stream keeps ending while the container runs; not following it");
        tracked.delete(t.target.dockerId);
        return t.endRun();
      }
      setTimeout(() => void follow(t), t.quickEnds * 200);
      return;
    }
    if (!t.finalPass) {
      t.finalPass = true;
      setTimeout(() => void follow(t), FINAL_PASS_MS);
      return;
    }
    tracked.delete(t.target.dockerId);
    t.endRun();
  };

  // Cursors of containers that no longer exist would stay in the hash for ever.
  const pruneCursors = async () => {
    const ids = await deps.redis.hkeys(cursorKey);
    if (!ids.length) return;
    const all = await deps.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${HOST_LABEL}=${deps.hostId}`] } });
    const alive = new Set(all.map((c) => c.Id));
    const stale = ids.filter((id) => !alive.has(id));
    if (stale.length) await deps.redis.hdel(cursorKey, ...stale);
  };
  pruneCursors().catch((err) => deps.log.warn({ err }, "pruning log cursors failed"));

  return {
    running(c: WatchedContainer, how) {
      if (closing) return;
      const known = tracked.get(c.dockerId);
      if (known) {
        if (how === "started") {
          known.again = true;
          lifecycle(known, () => undefined, `container ${c.name} started`);
        }
        return;
      }
      const t: Tracked = {
        target: {
          dockerId: c.dockerId,
          name: c.name,
          appId: c.appId,
          tty: c.tty,
          redactor: createRedactor(secretValues(c.env, c.labels[LABELS.secretKeys])),
        },
        bucket: createTokenBucket({ rate: LOG_RATE.linesPerSecond, burst: LOG_RATE.burst }),
        again: false,
        chain: Promise.resolve(),
        quickEnds: 0,
        gone: false,
        finalPass: false,
        runEnded: Promise.resolve(),
        endRun: () => {},
      };
      newRun(t);
      tracked.set(c.dockerId, t);
      if (how === "started") system(t, `container ${c.name} started`);
      void follow(t);
    },
    died(dockerId, exitCode) {
      const t = tracked.get(dockerId);
      if (!t || closing) return;
      const run = t.runEnded;
      lifecycle(
        t,
        () => Promise.race([run, new Promise((r) => setTimeout(r, EXIT_LINE_WAIT_MS).unref())]),
        `container ${t.target.name} exited${exitCode === null ? "" : ` with code ${exitCode}`}`,
      );
    },
    destroyed(dockerId) {
      const t = tracked.get(dockerId);
      if (t) {
        t.gone = true;
        t.session?.stop();
        t.endRun();
        tracked.delete(dockerId);
      }
      progress.delete(dockerId);
      // After the exit line (if any) is written, so a late flush does not bring the cursor back.
      void (t?.chain ?? Promise.resolve()).then(() =>
        setTimeout(() => deps.redis.hdel(cursorKey, dockerId).catch((err) => deps.log.warn({ err }, "removing a log cursor failed")), 1_000).unref(),
      );
    },
    async close() {
      closing = true;
      const sessions = [...tracked.values()].map((t) => t.session);
      for (const s of sessions) s?.stop();
      await Promise.all(sessions.map((s) => s?.ended));
      await sink.close();
    },
  };
}
