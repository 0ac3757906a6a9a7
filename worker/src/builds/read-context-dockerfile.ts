// Finds the Dockerfile the engine will build from in an uploaded context (the app's `dockerfile`
// setting, default `Dockerfile`). The archive is read the way the engine reads it (Go's
// archive/tar, then moby's unpacking into a directory): the last entry of a path wins, PAX and GNU
// long names apply, names are cleaned, and for the default name `Dockerfile` is used before
// `dockerfile`. A Dockerfile that is a link, or written or read through one, is refused rather than
// resolved: following links the way the engine does is not worth the risk of following them differently.
import { open } from "node:fs/promises";
import { posix } from "node:path";
import { addAbortSignal, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { BuildFailure } from "./build-errors.ts";

export const MAX_DOCKERFILE_BYTES = 1024 * 1024;
/** How much unpacked context is read at most (a gzip bomb would otherwise keep the worker busy for long). */
export const MAX_UNPACKED_BYTES = 4 * 1024 ** 3;
const BLOCK = 512;
// Go's archive/tar refuses PAX and GNU long-name records larger than this.
const MAX_SPECIAL_BYTES = 1024 * 1024;
export const DEFAULT_DOCKERFILE = "Dockerfile";

type Found = { kind: "file"; content: Buffer } | { kind: "too-large" } | { kind: "not-a-file" };

const unreadable = (why: string) => new BuildFailure(`the build context is not a readable tar archive (${why})`);

/**
 * The context's entries (the name as stored, the path it lands on, its tar type: `0` file, `5`
 * directory, `1`/`2` links…) and its root `.dockerignore`.
 */
export type ContextListing = { entries: { name: string; path: string; type: string }[]; dockerignore: Buffer | null };

/** The Dockerfile setting as the engine reads it: cleaned, relative to the context root. */
export function dockerfilePath(setting: string | undefined): string {
  const clean = cleanPath(setting ?? DEFAULT_DOCKERFILE);
  if (clean === "." || (setting ?? "").endsWith("/")) throw new BuildFailure(`dockerfile: ${setting} names a directory, not a file`);
  return clean;
}

/** The paths the engine tries, in order: the default name falls back to `dockerfile`. */
const candidates = (dockerfile: string) => (dockerfile === DEFAULT_DOCKERFILE ? [dockerfile, dockerfile.toLowerCase()] : [dockerfile]);

/** The Dockerfile's bytes (at `dockerfile`, default `Dockerfile`), or null when the context has none. */
export async function readContextDockerfile(path: string, signal?: AbortSignal, dockerfile = DEFAULT_DOCKERFILE): Promise<Buffer | null> {
  return (await readContext(path, signal, dockerfilePath(dockerfile)))?.content ?? null;
}

/** The Dockerfile's bytes and the path they were found at (`dockerfile` when `Dockerfile` is absent). */
export async function findContextDockerfile(
  path: string,
  signal?: AbortSignal,
  dockerfile = DEFAULT_DOCKERFILE,
): Promise<{ content: Buffer; path: string } | null> {
  return readContext(path, signal, dockerfilePath(dockerfile));
}

/**
 * Every entry of the context and its `.dockerignore`, read the same way as the Dockerfile (whose
 * checks apply too, unless `dockerfile` is null: the context is not the build's yet).
 */
export async function listContext(path: string, signal?: AbortSignal, dockerfile: string | null = DEFAULT_DOCKERFILE): Promise<ContextListing> {
  const listing: ContextListing = { entries: [], dockerignore: null };
  await readContext(path, signal, dockerfile === null ? null : dockerfilePath(dockerfile), listing);
  return listing;
}

async function readContext(
  path: string,
  signal: AbortSignal | undefined,
  dockerfile: string | null,
  listing?: ContextListing,
): Promise<{ content: Buffer; path: string } | null> {
  const file = await open(path, "r");
  let raw: Readable | undefined;
  let stream: Readable | undefined;
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(6), 0, 6, 0);
    const magic = buffer.subarray(0, bytesRead);
    if (
      magic.subarray(0, 3).equals(Buffer.from("BZh")) ||
      magic.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) ||
      magic.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))
    ) {
      throw new BuildFailure("the build context must be a tar archive, plain or gzipped (not bzip2, xz or zstd)");
    }
    raw = file.createReadStream({ start: 0, autoClose: false });
    stream = magic.subarray(0, 3).equals(Buffer.from([0x1f, 0x8b, 0x08])) ? raw.pipe(createGunzip()) : raw;
    // Errors reach the loop through the iterator; these keep a late one (after an abort) from going unhandled.
    for (const s of new Set([raw, stream])) s.on("error", () => {});
    if (signal) addAbortSignal(signal, stream);
    return await scan(new Bytes(stream[Symbol.asyncIterator]()), dockerfile === null ? [] : candidates(dockerfile), listing);
  } catch (e) {
    if (signal?.aborted) throw signal.reason instanceof BuildFailure ? signal.reason : new BuildFailure("build cancelled", "cancelled");
    if (e instanceof BuildFailure) throw e;
    if ((e as { code?: string }).code?.startsWith("Z_")) throw unreadable(`gzip: ${(e as Error).message}`);
    throw e;
  } finally {
    stream?.destroy();
    raw?.destroy();
    await file.close();
  }
}

async function scan(r: Bytes, names: string[], listing?: ContextListing): Promise<{ content: Buffer; path: string } | null> {
  const found = new Map<string, Found>();
  // Any entry named like the Dockerfile is watched: written below a link, it could land on the Dockerfile's path.
  const basenames = new Set(names.map((n) => posix.basename(n)));
  // Paths that are links: a Dockerfile written below one could land anywhere, the root included.
  const links = new Set<string>();
  let pax = new Map<string, string>();
  let longName: string | undefined;
  for (;;) {
    const block = await r.take(BLOCK);
    if (!block) break;
    if (block.every((b) => b === 0)) {
      const next = await r.take(BLOCK);
      if (!next || next.every((b) => b === 0)) break;
      throw unreadable("a lone zero block before more entries");
    }
    const h = parseHeader(block);
    if (h.type === "x" || h.type === "g" || h.type === "L" || h.type === "K") {
      if (h.size > MAX_SPECIAL_BYTES) throw unreadable("an extended header is larger than 1 MB");
      const data = await r.takeData(h.size);
      if (h.type === "x") pax = parsePax(data);
      else if (h.type === "L") longName = cString(data);
      else if (h.type === "g") {
        // A global header is an entry of its own for Go's reader: what was pending is dropped.
        pax = new Map();
        longName = undefined;
      }
      continue;
    }

    let type = h.type;
    const entryNames = [pax.get("path") || h.name];
    if (longName) entryNames[0] = longName;
    const sizeRecord = pax.get("size");
    let size = h.size;
    if (sizeRecord) {
      if (!/^[+-]?\d+$/.test(sizeRecord) || Number(sizeRecord) < 0 || !Number.isSafeInteger(Number(sizeRecord))) throw unreadable("a bad PAX size");
      size = Number(sizeRecord);
    }
    const sparse = type === "S" || [...pax.keys()].some((k) => k.startsWith("GNU.sparse."));
    if (sparse && pax.get("GNU.sparse.name")) entryNames.push(pax.get("GNU.sparse.name") ?? "");
    if (type === "\0") type = entryNames[0]?.endsWith("/") ? "5" : "0";
    pax = new Map();
    longName = undefined;

    if (type === "S" && block[482] !== 0) await skipSparseExtensions(r);
    const headerOnly = "123456".includes(type);
    const paths = entryNames.map(cleanPath);
    const isDockerfile = paths.filter((p) => basenames.has(posix.basename(p)));
    if (isDockerfile.length > 0) {
      if (sparse) throw new BuildFailure("the Dockerfile is stored as a sparse file; build from a plain tar archive");
      for (const p of isDockerfile) {
        if (ancestors(p).some((a) => links.has(a)))
          throw new BuildFailure("the build context writes its Dockerfile through a symbolic link; include the Dockerfile itself");
      }
    }
    if (type === "1" || type === "2") for (const p of paths) links.add(p);
    if (listing) {
      listing.entries.push({ name: entryNames[0] ?? "", path: paths[0] ?? ".", type });
      // The last `.dockerignore` wins, as the last entry of a path does when the context is unpacked.
      if (paths[0] === ".dockerignore") {
        if (type === "0" && size <= MAX_DOCKERFILE_BYTES) {
          listing.dockerignore = await r.takeData(size);
          continue;
        }
        listing.dockerignore = null;
      }
    }

    const root = isDockerfile.find((p) => names.includes(p));
    if (root && type === "0" && size <= MAX_DOCKERFILE_BYTES) {
      found.set(root, { kind: "file", content: await r.takeData(size) });
      continue;
    }
    if (root) found.set(root, type === "0" ? { kind: "too-large" } : { kind: "not-a-file" });
    await r.skipData(headerOnly ? 0 : size);
  }

  // The engine would read the Dockerfile through a linked directory above it, wherever that leads.
  if (names.some((n) => ancestors(n).some((a) => links.has(a))))
    throw new BuildFailure("the Dockerfile's directory is a symbolic link in the build context; include the directory itself");
  // The engine opens `Dockerfile`, and only when there is none, `dockerfile`.
  const path = names.find((n) => found.has(n));
  const entry = path === undefined ? undefined : found.get(path);
  if (!entry || path === undefined) return null;
  if (entry.kind === "too-large") throw new BuildFailure(`the Dockerfile is larger than ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MB`);
  if (entry.kind === "not-a-file") throw new BuildFailure("the Dockerfile must be a regular file (not a link or a directory)");
  return { content: entry.content, path };
}

/**
 * The path an entry lands on below the context root (`.` for the root itself). The engine unpacks
 * contexts chrooted into their directory, where a leading `..` stays at the root: so does this.
 */
export function cleanPath(name: string): string {
  const clean = posix.normalize(`/${name}`).replace(/^\/+/, "").replace(/\/+$/, "");
  return clean === "" ? "." : clean;
}

/** `a/b/Dockerfile` → `.`, `a`, `a/b`. */
function ancestors(path: string): string[] {
  const parts = path.split("/");
  return [".", ...parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"))];
}

type Header = { name: string; size: number; type: string };

function parseHeader(b: Buffer): Header {
  const stored = parseOctal(b.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const v = i >= 148 && i < 156 ? 0x20 : (b[i] ?? 0);
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  if (stored === null || (stored !== unsigned && stored !== signed)) throw unreadable("a header checksum does not match");

  const magic = b.toString("latin1", 257, 263);
  const version = b.toString("latin1", 263, 265);
  const star = magic === "ustar\0" && b.toString("latin1", 508, 512) === "tar\0";
  let name = cString(b.subarray(0, 100));
  // USTAR keeps a name prefix (155 bytes; 131 in the STAR variant); GNU and V7 headers have none.
  const prefix = star ? cString(b.subarray(345, 476)) : magic === "ustar\0" ? cString(b.subarray(345, 500)) : "";
  if (prefix && !(magic === "ustar " && version === " \0")) name = `${prefix}/${name}`;
  const size = parseNumeric(b.subarray(124, 136));
  if (size === null || size < 0) throw unreadable("a bad entry size");
  return { name, size, type: String.fromCharCode(b[156] ?? 0) };
}

const cString = (b: Buffer) => {
  const nul = b.indexOf(0);
  return b.toString("latin1", 0, nul < 0 ? b.length : nul);
};

function parseOctal(field: Buffer): number | null {
  const s = cString(Buffer.from(field.toString("latin1").replace(/^[ \0]+|[ \0]+$/g, ""), "latin1"));
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) return null;
  const n = Number.parseInt(s, 8);
  return Number.isSafeInteger(n) ? n : null;
}

/** Octal, or GNU's base-256 for large values (first byte's high bit set). */
function parseNumeric(field: Buffer): number | null {
  const first = field[0] ?? 0;
  if (!(first & 0x80)) return parseOctal(field);
  if (first & 0x40) return -1;
  let x = BigInt(first & 0x3f);
  for (const c of field.subarray(1)) x = (x << 8n) | BigInt(c);
  return x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : null;
}

/** PAX records: `<length> <key>=<value>\n`, as Go checks them. */
function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let s = data.toString("latin1");
  for (let guard = 0; s.length > 0; guard++) {
    if (guard > MAX_SPECIAL_BYTES) throw unreadable("a bad PAX header");
    const space = s.indexOf(" ");
    const n = space > 0 && /^[+-]?\d+$/.test(s.slice(0, space)) ? Number(s.slice(0, space)) : Number.NaN;
    if (!(n >= 5 && n <= s.length) || s[n - 1] !== "\n" || n <= space + 1) throw unreadable("a bad PAX record");
    const record = s.slice(space + 1, n - 1);
    const eq = record.indexOf("=");
    if (eq <= 0 || record.slice(0, eq).includes("\0")) throw unreadable("a bad PAX record");
    const value = record.slice(eq + 1);
    // An empty value keeps the header's own field.
    if (value !== "") out.set(record.slice(0, eq), value);
    else out.delete(record.slice(0, eq));
    s = s.slice(n);
  }
  return out;
}

/** Old GNU sparse entries continue their map in extra blocks before the data. */
async function skipSparseExtensions(r: Bytes): Promise<void> {
  for (let guard = 0; guard < 1_000_000; guard++) {
    const ext = await r.take(BLOCK);
    if (!ext) throw unreadable("it ends inside an entry");
    if (ext[504] === 0) return;
  }
  throw unreadable("a sparse map that does not end");
}

/** Blocks out of a stream of chunks, counting what it reads. */
class Bytes {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private total = 0;
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    const next = await this.source.next();
    if (next.done) return false;
    const chunk = next.value;
    this.total += chunk.length;
    if (this.total > MAX_UNPACKED_BYTES) throw new BuildFailure(`the build context unpacks to more than ${MAX_UNPACKED_BYTES / 1024 ** 3} GB`);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    return true;
  }

  /** Exactly n bytes; null when the stream ended before any of them. */
  async take(n: number): Promise<Buffer | null> {
    while (this.buffered < n) {
      if (!(await this.fill())) {
        if (this.buffered === 0) return null;
        throw unreadable("it ends inside an entry");
      }
    }
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, n);
  }

  /** An entry's data, and the padding to the next block. */
  async takeData(size: number): Promise<Buffer> {
    const data = size === 0 ? Buffer.alloc(0) : await this.take(size);
    if (!data) throw unreadable("it ends inside an entry");
    await this.skip(padding(size));
    return Buffer.from(data);
  }

  async skipData(size: number): Promise<void> {
    await this.skip(size + padding(size));
  }

  private async skip(n: number): Promise<void> {
    while (n > 0) {
      if (this.buffered === 0 && !(await this.fill())) throw unreadable("it ends inside an entry");
      const chunk = this.chunks[0] as Buffer;
      if (chunk.length <= n) {
        n -= chunk.length;
        this.buffered -= chunk.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = chunk.subarray(n);
        this.buffered -= n;
        n = 0;
      }
    }
  }
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;
