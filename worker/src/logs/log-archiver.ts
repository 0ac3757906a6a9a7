// The log archiver: moves log lines from Redis streams (bounded, short-lived) into Postgres
// (history, search). Every worker process runs one; a Redis lock makes exactly one of them work
// at a time, so batches of one stream are never archived twice in parallel.
import { LOG_ARCHIVE_SET } from "@berth/core";
import type { Logger } from "@berth/core/logger";
import type { Db } from "@berth/db";
import type { Redis } from "ioredis";
import { archiveStream, type DeploymentApps } from "./archive-stream.ts";
import { deleteOldLogLines } from "./delete-old-log-lines.ts";

export const ARCHIVE_LOCK_KEY = "berth:log-archive:lock";
/** Streams handled per tick, a few at a time. */
const KEYS_PER_TICK = 64;
const PARALLEL = 4;
const RETENTION_EVERY_MS = 3_600_000;

// Extend the lock only while we still hold it (another worker may have taken it after a stall).
const EXTEND = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export type LogArchiverOptions = {
  db: Db;
  redis: Redis;
  log: Logger;
  ownerId: string;
  intervalMs: number;
  retentionDays: number;
};

export function startLogArchiver(opts: LogArchiverOptions): { stop: () => Promise<void> } {
  const { db, redis, log } = opts;
  const deploymentApps: DeploymentApps = new Map();
  const lockMs = Math.max(5_000, opts.intervalMs * 10);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let nextRetention = Date.now();

  const holdLock = async (): Promise<boolean> => {
    const got = await redis.set(ARCHIVE_LOCK_KEY, opts.ownerId, "PX", lockMs, "NX");
    if (got === "OK") return true;
    return (await redis.eval(EXTEND, 1, ARCHIVE_LOCK_KEY, opts.ownerId, String(lockMs))) === 1;
  };

  const tick = async (): Promise<boolean> => {
    if (!(await holdLock())) return false;
    // Taken out of the set before reading: a producer writing meanwhile adds the key back.
    const keys = (await redis.spop(LOG_ARCHIVE_SET, KEYS_PER_TICK)) as string[];
    let lines = 0;
    let backlog = false;
    for (let i = 0; i < keys.length && !stopped; i += PARALLEL) {
      await Promise.all(
        keys.slice(i, i + PARALLEL).map(async (key) => {
          try {
            const r = await archiveStream({ db, redis, deploymentApps }, key);
            lines += r.lines;
            if (r.dropped) log.info({ key, reason: r.dropped }, "log stream dropped from archiving");
            if (r.more) {
              backlog = true;
              await redis.sadd(LOG_ARCHIVE_SET, key);
            }
          } catch (err) {
            log.error({ err, key }, "archiving a log stream failed; retrying");
            await redis.sadd(LOG_ARCHIVE_SET, key).catch(() => undefined);
          }
        }),
      );
    }
    // The unhandled rest of a large set stays in it for the next tick.
    if (keys.length === KEYS_PER_TICK) backlog = true;
    if (keys.length > 0) log.debug({ streams: keys.length, lines }, "log lines archived");

    if (Date.now() >= nextRetention && !stopped) {
      nextRetention = Date.now() + RETENTION_EVERY_MS;
      const cutoff = new Date(Date.now() - opts.retentionDays * 86_400_000);
      const deleted = await deleteOldLogLines(db, cutoff);
      log.info({ deleted, cutoff: cutoff.toISOString() }, "old log lines deleted");
    }
    return backlog;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((err) => {
          log.error({ err }, "log archiver tick failed");
          return false;
        })
        // A backlog is worked off right away rather than 2,000 lines per interval.
        .then((backlog) => schedule(backlog ? 10 : opts.intervalMs));
    }, ms);
  };
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await redis.eval(`if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`, 1, ARCHIVE_LOCK_KEY, opts.ownerId);
    },
  };
}
