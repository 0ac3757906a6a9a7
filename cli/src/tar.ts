// A build context as a tar stream: a minimal POSIX ustar writer (PAX records for long names),
// enough for regular files, directories and symlinks, and the directory walk that feeds it,
// honouring .dockerignore like `docker build` does (Docker reads it on the client side).
import { createReadStream } from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { excluded, type IgnorePattern, parseDockerignore, withBuildFiles } from "@berth/core/dockerignore";

export type TarEntry =
  | { type: "file"; path: string; mode: number; mtime: number; size: number; open: () => AsyncIterable<Buffer> }
  | { type: "dir"; path: string; mode: number; mtime: number }
  | { type: "symlink"; path: string; mode: number; mtime: number; target: string };

const BLOCK = 512;
const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  // Width includes the terminating NUL.
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function fits(text: string, bytes: number): boolean {
  return encoder.encode(text).length <= bytes;
}

/** ustar keeps a path as prefix (155) + "/" + name (100); null when no split fits. */
export function splitPath(path: string): { prefix: string; name: string } | null {
  if (fits(path, 100)) return { prefix: "", name: path };
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (fits(prefix, 155) && fits(name, 100) && name.length > 0) return { prefix, name };
  }
  return null;
}

function header(fields: { name: string; prefix?: string; mode: number; size: number; mtime: number; type: string; linkname?: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, "utf8");
  b.write(octal(fields.mode & 0o7777, 8), 100, "ascii");
  b.write(octal(0, 8), 108, "ascii");
  b.write(octal(0, 8), 116, "ascii");
  b.write(octal(fields.size, 12), 124, "ascii");
  b.write(octal(Math.max(0, Math.floor(fields.mtime)), 12), 136, "ascii");
  b.write(fields.type, 156, "ascii");
  if (fields.linkname) b.write(fields.linkname, 157, 100, "utf8");
  b.write("ustar\u000000", 257, "ascii");
  if (fields.prefix) b.write(fields.prefix, 345, 155, "utf8");
  // The checksum is computed with its own field read as eight spaces.
  b.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return b;
}

/** One PAX record: "<length> <key>=<value>\n", where length counts the whole record. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = encoder.encode(body).length;
  let digits = 1;
  while (String(bytes + digits).length > digits) digits++;
  return `${bytes + digits}${body}`;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The tar stream of the entries, ending with the two zero blocks. */
export async function* tarStream(entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    const path = e.type === "dir" && !e.path.endsWith("/") ? `${e.path}/` : e.path;
    const target = e.type === "symlink" ? e.target : "";
    const split = splitPath(path);
    const pax = [split ? "" : paxRecord("path", path), fits(target, 100) ? "" : paxRecord("linkpath", target)].join("");
    if (pax) {
      const data = Buffer.from(pax, "utf8");
      yield header({ name: "PaxHeader", mode: 0o644, size: data.length, mtime: e.mtime, type: "x" });
      yield data;
      yield padding(data.length);
    }
    const name = split ?? { prefix: "", name: path.slice(0, 99) };
    const linkname = fits(target, 100) ? target : "";
    const size = e.type === "file" ? e.size : 0;
    yield header({ name: name.name, prefix: name.prefix, mode: e.mode, size, mtime: e.mtime, type: { file: "0", dir: "5", symlink: "2" }[e.type], linkname });
    if (e.type === "file") {
      let written = 0;
      for await (const chunk of e.open()) {
        // A file that grew while being read would corrupt the archive: stop at its recorded size.
        const part = written + chunk.length > size ? chunk.subarray(0, size - written) : chunk;
        written += part.length;
        yield part;
        if (written >= size) break;
      }
      if (written < size) throw new Error(`${e.path} shrank while it was being read`);
      yield padding(size);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

// ------------------------------------------------------------------ .dockerignore

export { parseDockerignore } from "@berth/core/dockerignore";

/** Whether a relative path is left out of the context, as `docker build` leaves it out (core/src/dockerignore.ts). */
export const ignored = (rules: readonly IgnorePattern[], path: string): boolean => excluded(rules, path);

// ------------------------------------------------------------------ the directory walk

/** Where a build reads its sources in the walked directory (an app's `config.build`): the root and `Dockerfile` by default. */
export type WalkOptions = {
  /** The build context, a directory under the root (`services/api`): only it is walked, under its own path. */
  context?: string;
  /** The Dockerfile, relative to the context. */
  dockerfile?: string;
};

/**
 * Every entry under `root` that a build of it reads (sorted, so the same tree gives the same tar):
 * the context's entries minus .git and what the context's .dockerignore excludes, under their
 * paths from `root` (Berth takes the context directory out of the upload, as for a repository).
 */
export async function* walkDirectory(root: string, opts: WalkOptions = {}): AsyncGenerator<TarEntry> {
  const context = (opts.context ?? "")
    .split("/")
    .filter((p) => p !== "" && p !== ".")
    .join("/");
  const dockerfile = opts.dockerfile ?? "Dockerfile";
  const rules = withBuildFiles(parseDockerignore(await readFile(join(root, context, ".dockerignore"), "utf8").catch(() => "")), dockerfile);
  // Recursion is bounded by the tree's depth: symlinks are archived, never followed.
  async function* walk(dir: string): AsyncGenerator<TarEntry> {
    for (const name of (await readdir(join(root, dir))).sort()) {
      const rel = dir ? `${dir}/${name}` : name;
      if (rel === ".git") continue;
      const inContext = context === "" || rel.startsWith(`${context}/`);
      const abs = join(root, rel);
      const st = await lstat(abs);
      const mtime = st.mtimeMs / 1000;
      if (!inContext) {
        // Above the context: only the directories that lead to it.
        if (st.isDirectory() && `${context}/`.startsWith(`${rel}/`)) {
          yield { type: "dir", path: rel, mode: st.mode, mtime };
          yield* walk(rel);
        }
        continue;
      }
      const local = context === "" ? rel : rel.slice(context.length + 1);
      // The Dockerfile and .dockerignore always reach the builder, as with `docker build`.
      const skip = local !== dockerfile && local !== ".dockerignore" && ignored(rules, local);
      if (st.isDirectory()) {
        if (!skip) yield { type: "dir", path: rel, mode: st.mode, mtime };
        // An excluded directory is skipped whole unless an exception pattern starts inside it.
        if (!skip || rules.some((r) => r.exclusion && `${r.text}/`.startsWith(`${local}/`))) yield* walk(rel);
      } else if (!skip && st.isFile()) {
        yield { type: "file", path: rel, mode: st.mode, mtime, size: st.size, open: () => createReadStream(abs) };
      } else if (!skip && st.isSymbolicLink()) {
        yield { type: "symlink", path: rel, mode: st.mode, mtime, target: await readlink(abs) };
      }
    }
  }
  yield* walk("");
}
