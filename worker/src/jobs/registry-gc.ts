// Registry garbage collection. distribution deletes blobs no manifest references; it must not
// run while anything is being pushed. Berth freezes writes at the token server (READONLY_KEY:
// no push or delete is granted), waits until the last write token issued before the freeze
// has expired, runs `docker-registry garbage-collect` (never --delete-untagged: on 2.8 it
// breaks multi-arch images), and lifts the freeze, whatever happened.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { JobPayload } from "@berth/core";
import { LAST_WRITE_GRANT_KEY, READONLY_KEY, REGISTRY_TOKEN_TTL_SECONDS } from "@berth/core/registry/grant";
import type { JobContext } from "./context.ts";

const run = promisify(execFile);

export async function registryGc(payload: JobPayload<"registryGc">, ctx: JobContext): Promise<void> {
  const drainMs = payload.drainMs ?? REGISTRY_TOKEN_TTL_SECONDS * 1000;
  // The freeze outlives a crashed collector by at most an hour.
  await ctx.redis.set(READONLY_KEY, "gc", "EX", 3600);
  try {
    const lastWrite = Number((await ctx.redis.get(LAST_WRITE_GRANT_KEY)) ?? 0);
    const wait = Math.max(0, lastWrite + drainMs - Date.now());
    if (wait > 0) {
      ctx.log.info({ waitMs: wait }, "waiting for the last write token to expire");
      await new Promise((r) => setTimeout(r, wait));
    }
    const started = Date.now();
    const { stdout } = await run(ctx.registryGc.bin, ["garbage-collect", ctx.registryGc.config], { timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    const deleted = (stdout.match(/^blob eligible for deletion/gm) ?? []).length;
    const summary = stdout.match(/(\d+) blobs marked, (\d+) blobs and (\d+) manifests eligible for deletion/);
    ctx.log.info({ ms: Date.now() - started, blobsDeleted: deleted, summary: summary?.[0] }, "registry garbage collected");
  } finally {
    await ctx.redis.del(READONLY_KEY);
  }
}
