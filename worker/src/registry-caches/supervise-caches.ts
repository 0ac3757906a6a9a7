// Keeps the pull-through caches of the instance settings running on this machine (one process per
// upstream, cache-process.ts), each once it is wanted (its registry was read: control's
// cache-demand.ts): checked at start and every few seconds, since an admin changes the
// list at run time. A running cache whose configuration did not change is left alone (also across
// worker restarts); a changed one is restarted, its content dropped when the upstream changed (it
// belongs to the old one); a removed one is stopped and its content deleted. An upstream the
// outbound policy refuses now (an admin took back the allowance) is not run. A cache that cannot
// start (distribution's proxy exits when its upstream is unreachable at start) is tried again later,
// less and less often; meanwhile openImageSource reads that registry directly.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadOutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { wantedUpstream } from "@berth/control/registry/cache-demand";
import { checkCacheUpstreams } from "@berth/control/registry/check-cache-upstreams";
import { cacheName, cachePaths } from "@berth/control/registry/registry-cache-paths";
import { readInstanceSettings } from "@berth/control/settings/instance-settings";
import type { Logger } from "@berth/core/logger";
import type { Db } from "@berth/db";
import { cacheConfig, configuredUpstream } from "./cache-config.ts";
import { PID_PREFIX, runningPid, startCache, stopCache } from "./cache-process.ts";

export type CacheSupervisorOptions = {
  db: Db;
  log: Logger;
  /** BERTH_REGISTRY_CACHE_DIR: one directory per cache. */
  cacheDir: string;
  /** Where the caches' pid files go (infra/down.sh stops them). */
  runDir: string;
  bin: string;
  /** PATH for the cache processes. */
  path: string;
  publicUrl?: string;
  pollMs: number;
};

const RETRY_FIRST_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;

type Failure = { count: number; nextAt: number; config: string };

export function superviseRegistryCaches(opts: CacheSupervisorOptions): { stop: () => Promise<void> } {
  const { log } = opts;
  const failures = new Map<string, Failure>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  async function reconcileOne(registry: string, upstream: string): Promise<string> {
    const paths = cachePaths(opts.cacheDir, registry);
    const name = cacheName(registry);
    const config = cacheConfig(paths, upstream);
    const written = await readFile(paths.config, "utf8").catch(() => undefined);
    const pid = await runningPid(opts.runDir, name, paths.config);
    if (pid && written === config) {
      failures.delete(name);
      return name;
    }
    // Not wanted (no image of this registry read since the upstream was set): nothing runs, nothing is contacted.
    const wanted = await wantedUpstream(paths);
    if (wanted !== upstream) {
      if (pid) await stopCache(opts.runDir, name, paths.config);
      // A demand for an upstream no longer configured is void: a later return to it starts over.
      if (wanted !== undefined) await rm(paths.wanted, { force: true });
      failures.delete(name);
      return name;
    }
    const failed = failures.get(name);
    if (failed && failed.config === config && Date.now() < failed.nextAt) return name;

    try {
      await checkCacheUpstreams(await loadOutboundPolicy(opts.db, { publicUrl: opts.publicUrl }), [{ registry, upstream }]);
    } catch (e) {
      if (pid) await stopCache(opts.runDir, name, paths.config);
      noteFailure(name, config, `not started: ${(e as Error).message}`, { registry, upstream });
      return name;
    }
    if (pid) await stopCache(opts.runDir, name, paths.config);
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    if (written !== undefined && configuredUpstream(written) !== upstream) await rm(paths.data, { recursive: true, force: true });
    await mkdir(paths.data, { recursive: true, mode: 0o700 });
    await writeFile(paths.config, config, { mode: 0o600 });
    try {
      const started = await startCache({ bin: opts.bin, path: opts.path, runDir: opts.runDir, name, paths });
      failures.delete(name);
      log.info({ registry, upstream, cachePid: started, socket: paths.socket }, "registry cache running");
    } catch (e) {
      noteFailure(name, config, (e as Error).message, { registry, upstream });
    }
    return name;
  }

  function noteFailure(name: string, config: string, reason: string, what: { registry: string; upstream: string }) {
    const before = failures.get(name);
    const count = before?.config === config ? before.count + 1 : 1;
    const delay = Math.min(RETRY_FIRST_MS * 2 ** (count - 1), RETRY_MAX_MS);
    failures.set(name, { count, nextAt: Date.now() + delay, config });
    log.warn({ ...what, reason, retryInS: Math.round(delay / 1000) }, "registry cache not running: images from this registry are read directly");
  }

  /** Stops caches that are no longer in the settings and deletes their content. */
  async function removeOthers(wanted: Set<string>) {
    const files = await readdir(opts.runDir).catch(() => [] as string[]);
    const names = new Set(files.filter((f) => f.startsWith(PID_PREFIX) && f.endsWith(".pid")).map((f) => f.slice(PID_PREFIX.length, -4)));
    for (const dir of await readdir(opts.cacheDir).catch(() => [] as string[])) names.add(dir);
    for (const name of names) {
      if (wanted.has(name)) continue;
      const paths = { config: join(opts.cacheDir, name, "config.yml"), dir: join(opts.cacheDir, name) };
      await stopCache(opts.runDir, name, paths.config);
      // Only a directory this supervisor made (its config names an upstream): never anything else a misconfigured directory holds.
      if (configuredUpstream(await readFile(paths.config, "utf8").catch(() => undefined)) === undefined) continue;
      await rm(paths.dir, { recursive: true, force: true });
      failures.delete(name);
      log.info({ cache: name }, "registry cache removed");
    }
  }

  async function reconcile() {
    const settings = await readInstanceSettings(opts.db);
    await mkdir(opts.cacheDir, { recursive: true, mode: 0o700 });
    const wanted = new Set<string>();
    for (const cache of settings.registryCaches) {
      if (stopped) return;
      wanted.add(await reconcileOne(cache.registry, cache.upstream));
    }
    await removeOthers(wanted);
  }

  const tick = () => {
    running = reconcile()
      .catch((err) => log.error({ err }, "registry caches: reconcile failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.pollMs);
      });
  };
  tick();

  return {
    // The caches keep running: they serve the next worker too (infra/down.sh stops them).
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
