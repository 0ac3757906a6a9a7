import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { ignored, parseDockerignore, paxRecord, splitPath, tarStream, walkDirectory } from "./tar.ts";

const exec = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-tar-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pack(root: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of tarStream(walkDirectory(root))) chunks.push(c);
  return Buffer.concat(chunks);
}

describe("tarStream", () => {
  it("writes an archive GNU tar lists and extracts byte for byte, long names and symlinks included", async () => {
    const src = join(dir, "src");
    const long = `${"deep/".repeat(30)}file-with-a-long-name-${"x".repeat(120)}.txt`;
    await mkdir(join(src, "sub"), { recursive: true });
    await mkdir(join(src, long, ".."), { recursive: true });
    await writeFile(join(src, "Dockerfile"), "FROM scratch\n");
    await writeFile(join(src, "sub", "data.bin"), Buffer.alloc(1500, 7));
    await writeFile(join(src, "empty"), "");
    await writeFile(join(src, long), "long\n");
    await symlink("sub/data.bin", join(src, "link"));
    const archive = await pack(src);
    assert.equal(archive.length % 512, 0);
    const tarFile = join(dir, "out.tar");
    await writeFile(tarFile, archive);

    const { stdout } = await exec("tar", ["-tf", tarFile]);
    const listed = stdout.trim().split("\n");
    for (const p of ["Dockerfile", "sub/", "sub/data.bin", "empty", "link", long]) assert.ok(listed.includes(p), `${p} in:\n${stdout}`);

    const out = join(dir, "out");
    await mkdir(out);
    await exec("tar", ["-xf", tarFile, "-C", out]);
    assert.deepEqual(await readFile(join(out, "sub", "data.bin")), Buffer.alloc(1500, 7));
    assert.equal(await readFile(join(out, long), "utf8"), "long\n");
    assert.equal(await readFile(join(out, "link"), "utf8").catch(() => "dangling"), "\u0007".repeat(1500));
  });

  it("leaves out .git and what .dockerignore excludes, but keeps the Dockerfile and !exceptions", async () => {
    const src = join(dir, "ignore");
    await mkdir(join(src, ".git"), { recursive: true });
    await mkdir(join(src, "node_modules", "keep"), { recursive: true });
    await writeFile(join(src, ".git", "HEAD"), "ref\n");
    await writeFile(join(src, "node_modules", "a.js"), "a");
    await writeFile(join(src, "node_modules", "keep", "b.js"), "b");
    await writeFile(join(src, "Dockerfile"), "FROM scratch\n");
    await writeFile(join(src, "app.log"), "noise");
    await writeFile(join(src, ".dockerignore"), "# comment\nnode_modules\n!node_modules/keep\n**/*.log\nDockerfile\n");
    const paths: string[] = [];
    for await (const e of walkDirectory(src)) paths.push(e.path);
    assert.deepEqual(paths, [".dockerignore", "Dockerfile", "node_modules/keep", "node_modules/keep/b.js"]);
  });

  it("walks only a monorepo's build context, under its path, with the context's .dockerignore and Dockerfile path", async () => {
    const src = join(dir, "mono");
    await mkdir(join(src, "services", "api", "docker"), { recursive: true });
    await mkdir(join(src, "services", "web"), { recursive: true });
    await writeFile(join(src, "README"), "not in the context");
    await writeFile(join(src, ".dockerignore"), "services\n");
    await writeFile(join(src, "services", "web", "index.html"), "another service");
    await writeFile(join(src, "services", "api", "main.js"), "api");
    await writeFile(join(src, "services", "api", "debug.log"), "noise");
    await writeFile(join(src, "services", "api", "docker", "Dockerfile.prod"), "FROM scratch\n");
    await writeFile(join(src, "services", "api", ".dockerignore"), "*.log\ndocker\n");
    const paths: string[] = [];
    for await (const e of walkDirectory(src, { context: "services/api", dockerfile: "docker/Dockerfile.prod" })) paths.push(e.path);
    assert.deepEqual(paths, ["services", "services/api", "services/api/.dockerignore", "services/api/docker/Dockerfile.prod", "services/api/main.js"]);
  });
});

describe("tar helpers", () => {
  it("splits a long path into ustar's prefix and name where it can", () => {
    assert.deepEqual(splitPath("a/b"), { prefix: "", name: "a/b" });
    const p = `${"d".repeat(120)}/${"f".repeat(90)}`;
    assert.deepEqual(splitPath(p), { prefix: "d".repeat(120), name: "f".repeat(90) });
    assert.equal(splitPath("x".repeat(101)), null);
  });

  it("counts a PAX record's own length prefix", () => {
    for (const v of ["a", "x".repeat(90), "y".repeat(994), "z".repeat(995)]) {
      const r = paxRecord("path", v);
      assert.equal(Number(r.split(" ")[0]), Buffer.byteLength(r), v.length.toString());
    }
  });

  it("matches .dockerignore patterns like Docker: last rule wins, parents exclude children", () => {
    const rules = parseDockerignore("*.md\n!README.md\nbuild/\n**/tmp\n");
    assert.equal(ignored(rules, "notes.md"), true);
    assert.equal(ignored(rules, "README.md"), false);
    assert.equal(ignored(rules, "docs/notes.md"), false);
    assert.equal(ignored(rules, "build/out/x.js"), true);
    assert.equal(ignored(rules, "a/b/tmp/c"), true);
    assert.equal(ignored(rules, "src/index.ts"), false);
  });
});
