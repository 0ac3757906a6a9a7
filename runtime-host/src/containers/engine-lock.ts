// Work that must not overlap on one Docker Engine, whichever agent does it (making or healing a
// team's network). Two agents can drive one engine: an old and a new runtime-host overlapping
// during a restart, or test agents beside the stack's. The Engine (20.10) accepts two networks of
// the same name, so a queue per process is not enough.
// The lock is a Redis key (the agent already depends on Redis) named from the engine's own ID
// (`docker info`), not the host id: agents on one engine may run under different host ids, and
// the second local host has an engine (and an ID) of its own, so its work never waits on the
// first's. SET NX with a TTL: a holder killed mid-work frees the lock within TTL_MS; a holder at
// work renews it; release deletes the key only while it still holds our token. A file lock beside
// the engine's socket was the other choice: it needs write access where the socket lives, shared
// only if every agent sees the same path (a remote or relocated socket does not), and Node has no
// flock of its own, so a crashed holder's lock file would need stale detection.
// Within one client, callers queue in-process first (one-at-a-time.ts), so a burst of replica starts
// makes one Redis waiter, not twenty.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import type { Redis } from "ioredis";
import { createOneAtATime } from "./one-at-a-time.ts";

export type EngineLock = { run: <T>(name: string, work: () => Promise<T>) => Promise<T> };

const TTL_MS = 15_000;
/** How long a caller waits for another agent's hold before it fails (a plain error: the job is retried). */
const WAIT_MS = 60_000;
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 250;

// Compare-and-delete / compare-and-extend: never touch a lock another holder took after ours expired.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export const engineLockKey = (engineId: string, name: string) => `berth:engine-lock:${engineId}:${name}`;

export function createEngineLock(deps: { redis: Redis; docker: Docker; ttlMs?: number; waitMs?: number }): EngineLock {
  const { redis, docker, ttlMs = TTL_MS, waitMs = WAIT_MS } = deps;
  const local = createOneAtATime();
  let engineId: Promise<string> | undefined;
  // Asked once; asked again only after a failure (engine down at start).
  const engine = (): Promise<string> => {
    if (!engineId) {
      const asked = docker.info().then((info: { ID?: string }) => {
        if (!info.ID) throw new Error("the Docker Engine reported no ID");
        return info.ID;
      });
      asked.catch(() => {
        if (engineId === asked) engineId = undefined;
      });
      engineId = asked;
    }
    return engineId;
  };

  const acquire = async (key: string, name: string, token: string) => {
    const deadline = Date.now() + waitMs;
    for (let pause = POLL_MIN_MS; ; pause = Math.min(pause * 2, POLL_MAX_MS)) {
      if ((await redis.set(key, token, "PX", ttlMs, "NX")) === "OK") return;
      if (Date.now() + pause > deadline) {
        throw new Error(`another agent on this Docker Engine has held "${name}" for over ${Math.round(waitMs / 1000)} s; the job will be retried`);
      }
      await sleep(pause);
    }
  };

  return {
    run: (name, work) =>
      local(name, async () => {
        const key = engineLockKey(await engine(), name);
        const token = randomBytes(16).toString("hex");
        await acquire(key, name, token);
        const renew = setInterval(() => void redis.eval(RENEW, 1, key, token, String(ttlMs)).catch(() => {}), Math.floor(ttlMs / 3));
        renew.unref();
        try {
          return await work();
        } finally {
          clearInterval(renew);
          // If Redis is away now, the key expires by itself.
          await redis.eval(RELEASE, 1, key, token).catch(() => {});
        }
      }),
  };
}
