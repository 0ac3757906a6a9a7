import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { narrowContext } from "./context-subdirectory.ts";
import { listContext, readContextDockerfile } from "./read-context-dockerfile.ts";

const run = promisify(execFile);
let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-context-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
/** A context tar of these files (made by GNU tar, as `tar -C dir -cf x .` does: `./` names). */
async function tarOf(files: Record<string, string | { link: string }>, opts: { gzip?: boolean } = {}): Promise<string> {
  const src = join(dir, `src-${++n}`);
  await mkdir(src);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(src, name, ".."), { recursive: true });
    if (typeof content === "string") await writeFile(join(src, name), content);
    else await symlink(content.link, join(src, name));
  }
  const out = join(dir, `ctx-${n}.tar`);
  await run("tar", ["-C", src, opts.gzip ? "-czf" : "-cf", out, "."]);
  return out;
}

/** One raw 512-byte tar header (USTAR unless `magic` says otherwise), checksum included. */
function header(name: string, size: number, type: string, magic = "ustar\x0000", linkname = ""): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, "latin1");
  b.write("0000644\0", 100, "latin1");
  b.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "latin1");
  b.write(type, 156, "latin1");
  b.write(linkname, 157, 100, "latin1");
  b.write(magic, 257, "latin1");
  b.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return b;
}
const padded = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
const entry = (name: string, content: string, type = "0") => [header(name, Buffer.byteLength(content), type), padded(Buffer.from(content))];
const paxRecord = (key: string, value: string) => {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len++;
  return `${len}${body}`;
};
async function rawTar(...parts: Buffer[][]): Promise<string> {
  const out = join(dir, `raw-${++n}.tar`);
  await writeFile(out, Buffer.concat([...parts.flat(), Buffer.alloc(1024)]));
  return out;
}
const read = async (path: string) => (await readContextDockerfile(path))?.toString("utf8") ?? null;

describe("readContextDockerfile", () => {
  it("reads the Dockerfile of a plain and of a gzipped context", async () => {
    const files = { Dockerfile: "FROM scratch\n", "src/index.js": "x\n" };
    assert.equal(await read(await tarOf(files)), "FROM scratch\n");
    assert.equal(await read(await tarOf(files, { gzip: true })), "FROM scratch\n");
  });

  it("uses dockerfile when there is no Dockerfile, as the engine does, and Dockerfile when there are both", async () => {
    assert.equal(await read(await tarOf({ dockerfile: "FROM lower\n" })), "FROM lower\n");
    assert.equal(await read(await tarOf({ dockerfile: "FROM lower\n", Dockerfile: "FROM upper\n" })), "FROM upper\n");
  });

  it("returns null for a context without a Dockerfile at its root", async () => {
    assert.equal(await read(await tarOf({ "sub/Dockerfile": "FROM nested\n", "index.html": "hi\n" })), null);
  });

  it("takes the last of two entries for the same path, as unpacking does", async () => {
    const path = await rawTar(entry("Dockerfile", "FROM first\n"), entry("./Dockerfile", "FROM second\n"));
    assert.equal(await read(path), "FROM second\n");
  });

  it("applies PAX paths and GNU long names, and cleans names the way the engine does", async () => {
    const pax = Buffer.from(paxRecord("path", "Dockerfile"));
    const viaPax = await rawTar([header("PaxHeaders/x", pax.length, "x"), padded(pax)], entry("innocent.txt", "FROM pax\n"));
    assert.equal(await read(viaPax), "FROM pax\n");

    const long = Buffer.from("Dockerfile\0");
    const viaGnu = await rawTar([header("././@LongLink", long.length, "L", "ustar  \0"), padded(long)], entry("innocent.txt", "FROM gnu\n"));
    assert.equal(await read(viaGnu), "FROM gnu\n");

    // Unpacked chrooted into the context, `..` stays at the root.
    assert.equal(await read(await rawTar(entry("a/../../Dockerfile", "FROM dotdot\n"))), "FROM dotdot\n");
    assert.equal(await read(await rawTar(entry("/Dockerfile", "FROM rooted\n"))), "FROM rooted\n");
  });

  it("refuses a Dockerfile that is a link, or that is written through a linked directory", async () => {
    await assert.rejects(read(await tarOf({ other: "FROM hidden\n", Dockerfile: { link: "other" } })), {
      message: "the Dockerfile must be a regular file (not a link or a directory)",
    });
    // The engine builds from this one: `d` links to the root, so `d/Dockerfile` is the root's Dockerfile.
    const through = await rawTar([header("d", 0, "2", "ustar\x0000", ".")], entry("d/Dockerfile", "FROM hidden\n"));
    await assert.rejects(read(through), { message: "the build context writes its Dockerfile through a symbolic link; include the Dockerfile itself" });
  });

  it("refuses a Dockerfile over 1 MB, other compressions and what is not a tar", async () => {
    await assert.rejects(read(await rawTar(entry("Dockerfile", `FROM scratch\n${"#".repeat(1024 * 1024)}\n`))), {
      message: "the Dockerfile is larger than 1 MB",
    });
    const xz = join(dir, "ctx.tar.xz");
    await writeFile(xz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    await assert.rejects(read(xz), { message: "the build context must be a tar archive, plain or gzipped (not bzip2, xz or zstd)" });
    const text = join(dir, "notes.txt");
    await writeFile(text, "just some text, not an archive\n".repeat(40));
    await assert.rejects(read(text), /^BuildFailure: the build context is not a readable tar archive/);
    const broken = join(dir, "broken.tar.gz");
    await writeFile(broken, gzipSync(Buffer.concat(entry("Dockerfile", "FROM scratch\n"))).subarray(0, 30));
    await assert.rejects(read(broken), /^BuildFailure: the build context is not a readable tar archive/);
  });

  it("stops reading when the build is cancelled", async () => {
    const path = await tarOf({ Dockerfile: "FROM scratch\n" });
    const controller = new AbortController();
    controller.abort(new Error("not a BuildFailure"));
    await assert.rejects(readContextDockerfile(path, controller.signal), { message: "build cancelled" });
  });

  it("reads the Dockerfile at the app's path (cleaned), with no fallback to a lowercase name there", async () => {
    const ctx = await tarOf({ "docker/Dockerfile.prod": "FROM prod\n", "docker/dockerfile.prod": "FROM lower\n", Dockerfile: "FROM root\n" });
    assert.equal((await readContextDockerfile(ctx, undefined, "docker/Dockerfile.prod"))?.toString(), "FROM prod\n");
    assert.equal((await readContextDockerfile(ctx, undefined, "./docker//Dockerfile.prod"))?.toString(), "FROM prod\n");
    assert.equal(await readContextDockerfile(await tarOf({ "docker/dockerfile.prod": "FROM lower\n" }), undefined, "docker/Dockerfile.prod"), null);
    await assert.rejects(readContextDockerfile(ctx, undefined, "docker/"), { message: "dockerfile: docker/ names a directory, not a file" });
  });

  it("refuses a Dockerfile path whose directory is a link (the engine would read through it)", async () => {
    const ctx = await tarOf({ "other/Dockerfile.prod": "FROM hidden\n", docker: { link: "other" } });
    await assert.rejects(readContextDockerfile(ctx, undefined, "docker/Dockerfile.prod"), {
      message: "the Dockerfile's directory is a symbolic link in the build context; include the directory itself",
    });
  });
});

describe("narrowContext", () => {
  const edit = (contextPath: string) => ({ contextPath, path: process.env.PATH ?? "/usr/bin:/bin" });

  it("makes a directory of the source the context: its entries only, at the root", async () => {
    const ctx = await tarOf({ Dockerfile: "FROM root\n", "services/api/Dockerfile": "FROM api\n", "services/api/src/a.js": "a\n", "services/web/b.js": "b\n" });
    assert.deepEqual(await narrowContext(edit(ctx), "./services/api/"), { dir: "services/api", entries: 3 });
    const paths = (await listContext(ctx)).entries.map((e) => e.path).sort();
    assert.deepEqual(paths, [".", "Dockerfile", "src", "src/a.js"]);
    assert.equal((await readContextDockerfile(ctx))?.toString(), "FROM api\n");
    assert.equal(await narrowContext(edit(ctx), "."), null);
  });

  it("refuses a directory that is missing, a file, a link, or has entries written through a link", async () => {
    const ctx = await tarOf({ "a/file": "x\n", "b/real/f": "y\n", "b/link": { link: "real" } });
    await assert.rejects(narrowContext(edit(ctx), "nope"), { message: "context: there is no directory nope in the build's source" });
    await assert.rejects(narrowContext(edit(ctx), "a/file"), { message: "context: a/file is a file in the build's source, not a directory" });
    await assert.rejects(narrowContext(edit(ctx), "b/link"), { message: "context: b/link is a symbolic link in the build's source, not a directory" });
    const through = await rawTar([header("d/l", 0, "2", "ustar\x0000", "/etc")], entry("d/l/passwd", "x\n"));
    await assert.rejects(narrowContext(edit(through), "d"), {
      message: "context: d/l/passwd is written through a symbolic link in the build's source; include the directory itself",
    });
  });
});
