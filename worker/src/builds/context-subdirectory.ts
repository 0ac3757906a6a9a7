// The app's `context` setting (monorepos: `services/api`): that directory of the repository or
// upload becomes the build context, as `docker build services/api` would send it. Its entries are
// unpacked by tar into a scratch directory (only those, so nothing else of the repository reaches
// the build) and packed again from there. A context reached through a link, or with entries
// written through one, is refused rather than followed.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { BuildFailure } from "./build-errors.ts";
import type { ContextEdit } from "./context-files.ts";
import { ensurePlainContext } from "./plain-context.ts";
import { cleanPath, listContext } from "./read-context-dockerfile.ts";

const KINDS: Record<string, string> = { "0": "file", "1": "hard link", "2": "symbolic link", "3": "device", "4": "device", "6": "named pipe", "7": "file" };

/** Makes the context's directory `setting` the context; returns it (cleaned) and how many entries it keeps, or null for the root. */
export async function narrowContext(opts: ContextEdit, setting: string): Promise<{ dir: string; entries: number } | null> {
  const sub = cleanPath(setting);
  if (sub === ".") return null;
  const listing = await listContext(opts.contextPath, opts.signal, null);
  // The last entry of a path is what unpacking leaves there.
  const last = new Map(listing.entries.map((e) => [e.path, e.type]));
  const parts = sub.split("/");
  for (let i = 1; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    const type = last.get(dir);
    if (type !== undefined && type !== "5")
      throw new BuildFailure(`context: ${dir} is a ${KINDS[type] ?? "special file"} in the build's source, not a directory`);
  }
  const inside = listing.entries.filter((e) => e.path.startsWith(`${sub}/`));
  if (inside.length === 0 && last.get(sub) !== "5") throw new BuildFailure(`context: there is no directory ${sub} in the build's source`);
  const links = new Set(listing.entries.filter((e) => e.type === "2").map((e) => e.path));
  for (const e of inside) {
    if (e.type === "3" || e.type === "4" || e.type === "6")
      throw new BuildFailure(`context: ${e.path} is a ${KINDS[e.type]}; the build context may hold only files, directories and links`);
    const dirs = e.path.split("/").slice(0, -1);
    for (let i = parts.length + 1; i <= dirs.length; i++) {
      if (links.has(dirs.slice(0, i).join("/")))
        throw new BuildFailure(`context: ${e.path} is written through a symbolic link in the build's source; include the directory itself`);
    }
  }

  await ensurePlainContext(opts.contextPath);
  const scratch = await mkdtemp(join(dirname(opts.contextPath), "context-"));
  const tar = (args: string[]) =>
    promisify(execFile)("tar", args, {
      // Node's types want NODE_ENV in every env; tar needs nothing but PATH.
      env: { PATH: opts.path } as unknown as NodeJS.ProcessEnv,
      signal: opts.signal,
      timeout: 300_000,
      maxBuffer: 4 * 1024 * 1024,
    });
  try {
    const list = join(scratch, "entries");
    const root = join(scratch, "root");
    await mkdir(root);
    // Exact names (as stored), one entry each.
    await writeFile(list, `${[...new Set(inside.map((e) => e.name))].join("\0")}\0`, "latin1");
    if (inside.length > 0)
      await tar([
        "-x",
        "-f",
        opts.contextPath,
        "-C",
        root,
        "--no-same-owner",
        "--delay-directory-restore",
        "--no-recursion",
        "--no-wildcards",
        "--null",
        "-T",
        list,
      ]);
    await mkdir(join(root, sub), { recursive: true });
    const packed = join(scratch, "context.tar");
    await tar(["-c", "-f", packed, "-C", join(root, sub), "--numeric-owner", "--owner=0", "--group=0", "."]);
    await rename(packed, opts.contextPath);
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof BuildFailure ? opts.signal.reason : new BuildFailure("build cancelled", "cancelled");
    if (e instanceof BuildFailure) throw e;
    const stderr = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new BuildFailure(`context: could not take ${sub} out of the build's source: ${stderr.split("\n").slice(-3).join(" ") || (e as Error).message}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { dir: sub, entries: inside.length };
}
