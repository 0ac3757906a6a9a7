// A cgroup of its own for each build, given to the engine as the build's cgroup parent: every step
// container of the build runs inside it, so its pids limit holds for the whole build (the Engine's
// /build takes memory and CPU limits but none for processes), and what it counted afterwards says
// which limit a failed build hit. cgroup v1 (one hierarchy per controller) and v2 (unified) alike,
// with the engine's cgroupfs driver; the worker runs beside its engine, as root.
// A build's cgroup goes when the build ends, whatever the outcome (build-image.ts, `finally`), with
// whatever the engine left under it; one left by a worker that died mid-build is swept by the next build.

import { mkdir, readdir, readFile, rmdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = "/sys/fs/cgroup";
/** Parent of every build's cgroup. */
const PARENT = "berth-builds";

export type BuildCgroup = {
  /** For the Engine's `cgroupparent`. */
  parent: string;
  /** What the build's processes ran into: the pids limit, and memory used up to the limit. */
  hits: () => Promise<{ pids: boolean; memory: boolean }>;
  /** Removes it from every hierarchy; throws if processes are still in it after a few seconds. */
  remove: () => Promise<void>;
};

const isV2 = () =>
  stat(join(ROOT, "cgroup.controllers")).then(
    () => true,
    () => false,
  );
const read = (path: string) => readFile(path, "utf8").catch(() => "");
/**
 * Longer than any build may run (BERTH_BUILD_TIMEOUT_S is at most 2 h): a build's cgroup is empty between
 * its steps, so only one this old is surely no running build's.
 */
const STALE_MS = 3 * 60 * 60 * 1000;

const subdirs = (dir: string) =>
  readdir(dir, { withFileTypes: true }).then(
    (entries) => entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name)),
    () => [] as string[],
  );

/** Removes a cgroup directory and the (empty) cgroups under it, deepest first. A cgroup whose processes are still exiting is tried again for a few seconds. */
async function removeTree(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 25; attempt++) {
    for (const child of await subdirs(dir)) await removeTree(child);
    try {
      await rmdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      if (code !== "EBUSY" && code !== "ENOTEMPTY") throw e;
    }
    await sleep(200);
  }
  throw new Error(`the build cgroup ${dir} still has processes`);
}

/** The directory of each hierarchy where builds' cgroups are made (one on v2). */
async function parents(): Promise<string[]> {
  if (await isV2()) return [join(ROOT, PARENT)];
  return (await readdir(ROOT).catch(() => [] as string[])).map((h) => join(ROOT, h, PARENT));
}

/** Removes build cgroups that outlived any build (a worker killed mid-build could not remove its own). */
async function sweepStale(): Promise<void> {
  for (const parent of await parents()) {
    for (const dir of await subdirs(parent)) {
      const { mtimeMs } = await stat(dir).catch(() => ({ mtimeMs: Date.now() }));
      if (Date.now() - mtimeMs > STALE_MS) await removeTree(dir).catch(() => {});
    }
  }
}
const counter = (text: string, key: string) => Number(text.match(new RegExp(`^${key} (\\d+)$`, "m"))?.[1] ?? 0);

export async function buildCgroup(opts: { id: string; pids: number; memoryBytes: number }): Promise<BuildCgroup> {
  const rel = `${PARENT}/${opts.id}`;
  await sweepStale();
  const remove = async () => {
    for (const parent of await parents()) await removeTree(join(parent, opts.id));
  };
  if (await isV2()) {
    // Controllers reach a child only when every ancestor enables them for its children.
    await mkdir(join(ROOT, PARENT), { recursive: true });
    await writeFile(join(ROOT, "cgroup.subtree_control"), "+pids +memory +cpu").catch(() => {});
    await writeFile(join(ROOT, PARENT, "cgroup.subtree_control"), "+pids +memory +cpu").catch(() => {});
    const dir = join(ROOT, rel);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "pids.max"), String(opts.pids));
    await writeFile(join(dir, "cgroup.subtree_control"), "+pids +memory +cpu").catch(() => {});
    return {
      parent: `/${rel}`,
      hits: async () => ({
        pids: counter(await read(join(dir, "pids.events")), "max") > 0,
        memory: counter(await read(join(dir, "memory.events")), "oom_kill") > 0,
      }),
      remove,
    };
  }
  const pidsDir = join(ROOT, "pids", rel);
  const memoryDir = join(ROOT, "memory", rel);
  await mkdir(pidsDir, { recursive: true });
  await writeFile(join(pidsDir, "pids.max"), String(opts.pids));
  // Only for counting: the limit itself is the step container's (the Engine's `memory`).
  await mkdir(memoryDir, { recursive: true }).catch(() => {});
  return {
    parent: `/${rel}`,
    hits: async () => {
      const peak = Number((await read(join(memoryDir, "memory.max_usage_in_bytes"))).trim() || 0);
      return { pids: counter(await read(join(pidsDir, "pids.events")), "max") > 0, memory: peak >= opts.memoryBytes * 0.97 };
    },
    // The engine made the build's directory in every other hierarchy too (cpu, devices, …).
    remove,
  };
}
