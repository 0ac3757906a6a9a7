// A pull-through cache runs only for a registry Berth has been asked to read: an instance that never
// deploys from Docker Hub runs no Docker Hub cache and sends Docker Hub nothing. openImageSource
// records the demand (`<cache>/wanted`, holding the upstream it was wanted for) and, the first time,
// waits a little for the cache to come up; the worker's supervisor (worker/src/registry-caches)
// starts a configured cache once it is wanted for its current upstream. An admin who changes the
// upstream starts over: the new upstream is contacted only when an image of that registry is read.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { request } from "node:http";
import type { CachePaths } from "./registry-cache-paths.ts";

/** The upstream the cache was last wanted for, if any. */
export async function wantedUpstream(paths: CachePaths): Promise<string | undefined> {
  return (await readFile(paths.wanted, "utf8").catch(() => "")).trim() || undefined;
}

/** Records that the cache is wanted for `upstream`; true when that is new (nobody asked for it before). */
export async function wantCache(paths: CachePaths, upstream: string): Promise<boolean> {
  if ((await wantedUpstream(paths)) === upstream) return false;
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writeFile(paths.wanted, `${upstream}\n`, { mode: 0o600 });
  return true;
}

/** Whether the cache answers `GET /v2/` on its socket. */
export function cacheAnswers(socket: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: "/v2/", method: "GET", headers: { host: "registry-cache" } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Waits (at most `ms`) until the cache answers; false when it does not in time (the caller reads directly). */
export async function waitForCache(socket: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await cacheAnswers(socket, 1_000)) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
