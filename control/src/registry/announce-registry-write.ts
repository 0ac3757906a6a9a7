// Before Berth itself writes to its registry (a build's push, an image copied in from another
// registry). Garbage collection freezes registry writes (READONLY_KEY, set by the worker's
// registry-gc job): the write is announced before the freeze is checked, so a collection starting
// after the check waits for the write's token to expire; during a freeze the write waits, bounded
// by `signal` (a build's or deployment's cancel and timeout).
import { setTimeout as sleep } from "node:timers/promises";
import { LAST_WRITE_GRANT_KEY, READONLY_KEY } from "@berth/core/registry/grant";
import type { Redis } from "ioredis";

export async function announceRegistryWrite(
  redis: Redis,
  opts: { signal: AbortSignal; what: string; note: (line: string) => Promise<unknown> },
): Promise<void> {
  for (let waited = false; ; waited = true) {
    await redis.set(LAST_WRITE_GRANT_KEY, String(Date.now()));
    if (!(await redis.exists(READONLY_KEY))) return;
    if (!waited) await opts.note(`Waiting for registry garbage collection to finish before ${opts.what}`);
    await sleep(2_000, undefined, { signal: opts.signal });
  }
}
