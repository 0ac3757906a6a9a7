// One push deploys an app at a time. A second push to the same app waits here until the first
// has finished (its deploy live or failed), then finds out whether the branch it was based on
// moved meanwhile. A Redis lock, so it holds across web processes; its TTL is refreshed while
// held, so a web process that dies frees it within PUSH_LOCK_TTL_MS.
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

const PUSH_LOCK_TTL_MS = 30_000;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const REFRESH = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const pushLockKey = (appId: string) => `berth:git-push-lock:${appId}`;

/** Waits (at most `maxWaitMs`, giving up early when `abandoned()`) for the app's push lock; null when not acquired. */
export async function acquirePushLock(
  redis: Redis,
  appId: string,
  opts: { maxWaitMs: number; abandoned: () => boolean; onWait: () => void },
): Promise<(() => Promise<void>) | null> {
  const key = pushLockKey(appId);
  const token = randomBytes(16).toString("hex");
  const until = Date.now() + opts.maxWaitMs;
  let told = false;
  while ((await redis.set(key, token, "PX", PUSH_LOCK_TTL_MS, "NX")) !== "OK") {
    if (opts.abandoned() || Date.now() > until) return null;
    if (!told) {
      opts.onWait();
      told = true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const refresh = setInterval(() => void redis.eval(REFRESH, 1, key, token, PUSH_LOCK_TTL_MS).catch(() => {}), PUSH_LOCK_TTL_MS / 3);
  return async () => {
    clearInterval(refresh);
    await redis.eval(RELEASE, 1, key, token).catch(() => {});
  };
}

// A push that deployed keeps the lock until its `git http-backend` has exited, i.e. until git has
// moved the branch: the next push must see the new value. Keyed by the push's secret; released
// at the latest HOLD_MAX_MS after the hook finished.
const HOLD_MAX_MS = 60_000;
const held = new Map<string, () => Promise<void>>();

export function holdUntilPushEnds(secret: string, release: () => Promise<void>): void {
  held.set(secret, release);
  setTimeout(() => void releaseHeldPushLock(secret), HOLD_MAX_MS).unref();
}

export async function releaseHeldPushLock(secret: string): Promise<void> {
  const release = held.get(secret);
  held.delete(secret);
  await release?.();
}
