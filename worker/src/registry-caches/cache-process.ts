// Starting and stopping one cache process, detached from the worker (its own session), so a worker
// restart leaves a running cache alone; its pid file (`<run dir>/registry-cache-<name>.pid`) is where
// infra/down.sh finds it. A pid counts as the cache's only while its command line names the cache's
// configuration (a recycled pid is never signalled).
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cacheAnswers } from "@berth/control/registry/cache-demand";
import type { CachePaths } from "@berth/control/registry/registry-cache-paths";

export const PID_PREFIX = "registry-cache-";
export const pidFile = (runDir: string, name: string) => join(runDir, `${PID_PREFIX}${name}.pid`);

/** The cache's pid when it is running (its command line names `configPath`). */
export async function runningPid(runDir: string, name: string, configPath: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidFile(runDir, name), "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return cmdline.split("\0").includes(configPath) ? pid : undefined;
}

const START_MS = 15_000;

/**
 * Starts `bin serve <config>` and waits until it answers. Distribution's proxy asks its upstream at
 * start and exits when it cannot reach it: the error then names the log, which says why.
 */
export async function startCache(opts: { bin: string; path: string; runDir: string; name: string; paths: CachePaths }): Promise<number> {
  const { paths } = opts;
  await rm(paths.socket, { force: true });
  // Only the latest start's output: a cache retried for hours while its upstream is unreachable logs each failure.
  const out = openSync(paths.log, "w", 0o600);
  let exited: number | null | undefined;
  let child: ReturnType<typeof spawn>;
  try {
    // Its own environment: the registry reads REGISTRY_* overrides from it, and needs nothing of the worker's.
    child = spawn(opts.bin, ["serve", paths.config], { detached: true, stdio: ["ignore", out, out], env: { PATH: opts.path } as unknown as NodeJS.ProcessEnv });
  } finally {
    closeSync(out);
  }
  const failed = new Promise<void>((resolve) => {
    child.once("exit", (code) => {
      exited = code;
      resolve();
    });
    child.once("error", () => {
      exited = -1;
      resolve();
    });
  });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${opts.bin}`);
  await writeFile(pidFile(opts.runDir, opts.name), `${child.pid}\n`, { mode: 0o600 });
  const until = Date.now() + START_MS;
  while (Date.now() < until) {
    if (exited !== undefined) break;
    if (await cacheAnswers(paths.socket, 1_000)) return child.pid;
    await Promise.race([failed, new Promise((r) => setTimeout(r, 200))]);
  }
  if (exited === undefined) await stopPid(child.pid);
  await rm(pidFile(opts.runDir, opts.name), { force: true });
  throw new Error(exited === undefined ? `did not answer within ${START_MS / 1000} s (log: ${paths.log})` : `exited at start (${exited}; log: ${paths.log})`);
}

async function stopPid(pid: number): Promise<void> {
  const signal = (s: NodeJS.Signals | 0) => {
    try {
      process.kill(pid, s);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal("SIGTERM")) return;
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signal(0)) return;
  }
  signal("SIGKILL");
}

/** Stops the cache recorded for `name` (if its pid is still the cache's) and forgets its pid file. */
export async function stopCache(runDir: string, name: string, configPath: string): Promise<void> {
  const pid = await runningPid(runDir, name, configPath);
  if (pid) await stopPid(pid);
  await rm(pidFile(runDir, name), { force: true });
}
