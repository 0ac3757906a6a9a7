// Makes Berth's two base images on the local Docker Engine and pushes them into Berth's registry.
// Nothing can be pulled from the internet, so both are assembled from what the host already has:
// Debian's busybox-static for a tiny shell image, and the host's own `node` binary plus exactly the
// shared libraries `ldd` lists for it for a Node.js runtime image layered on top of the busybox one.
//
// Every image carries a content fingerprint label; a run whose fingerprint is already in the
// registry builds and pushes nothing, so the seed is cheap to run on every `npm run up`.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, realpath } from "node:fs/promises";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { formatImageRef, requireImageRef } from "@berth/core/image-ref";
import { registryFetch } from "@berth/core/registry-fetch";
import type Docker from "dockerode";
import * as tar from "tar-stream";

// Bump when the recipe changes in a way the inputs below do not capture.
const RECIPE_VERSION = "1";
const FINGERPRINT_LABEL = "org.berth.base.fingerprint";
const BUSYBOX_BINARY = "/bin/busybox";
const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Fixed mtimes make an unchanged busybox rootfs import as the same layer, which the registry already has.
const EPOCH = new Date("2024-01-01T00:00:00Z");

export type SeedResult = { name: string; ref: string; digest: string; built: boolean; pushed: boolean };

export type SeedOptions = {
  docker: Docker;
  registry: string;
  log: (msg: string) => void;
  // The registry has no auth yet; once it has, pass the credentials dockerd should use.
  authconfig?: Docker.AuthConfig;
};

type ImageRecipe = {
  name: string;
  tags: [string, ...string[]];
  fingerprint: string;
  build: (ref: string) => Promise<void>;
  smokeTest: { cmd: string[]; expect: string };
};

export async function seedBaseImages(opts: SeedOptions): Promise<SeedResult[]> {
  const busybox = await busyboxRecipe(opts);
  const node = await nodeRecipe(opts, busybox);
  // Order matters: the node image is built FROM the busybox one, so it is made after it and its
  // predecessor is removed before the old busybox (which it still depends on).
  const done = [await ensureImage(opts, busybox), await ensureImage(opts, node)];
  for (const { superseded } of [...done].reverse()) await dropSuperseded(opts.docker, superseded);
  return done.map(({ result }) => result);
}

// ------------------------------------------------------------------ orchestration

// `superseded`: the image the tags pointed at before, when this run replaced it.
async function ensureImage(opts: SeedOptions, recipe: ImageRecipe): Promise<{ result: SeedResult; superseded?: string }> {
  const { docker, registry, log } = opts;
  const repo = `${registry}/${recipe.name}`;
  const ref = `${repo}:${recipe.tags[0]}`;
  const local = await localImage(docker, ref);
  const remote = await remoteState(registry, recipe.name, recipe.tags, recipe.fingerprint);

  if (remote.kind === "match") {
    // Keep the daemon's tags in step with the registry: builds FROM them must not use a stale or missing base.
    const stale = local?.fingerprint !== recipe.fingerprint;
    if (stale) await pullAllTags(opts, repo, recipe.tags);
    log(`${recipe.name}: up to date in ${registry} (${remote.digest})${stale ? ", pulled" : ""}`);
    return { result: { name: recipe.name, ref, digest: remote.digest, built: false, pushed: false }, superseded: stale ? local?.id : undefined };
  }
  if (remote.kind === "unauthorized") log(`${recipe.name}: registry needs auth to read; pushing to be sure`);

  const built = local?.fingerprint !== recipe.fingerprint;
  if (built) {
    log(`${recipe.name}: building ${ref}`);
    await recipe.build(ref);
    await smokeTest(docker, ref, recipe.smokeTest);
  }
  for (const tag of recipe.tags.slice(1)) await docker.getImage(ref).tag({ repo, tag });
  let digest = "";
  for (const tag of recipe.tags) digest = await pushTag(docker, repo, tag, opts.authconfig);
  log(`${recipe.name}: pushed ${recipe.tags.join(", ")} (${digest})`);
  return { result: { name: recipe.name, ref, digest, built, pushed: true }, superseded: built ? local?.id : undefined };
}

async function localImage(docker: Docker, ref: string): Promise<{ id: string; fingerprint: string } | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, fingerprint: info.Config.Labels?.[FINGERPRINT_LABEL] ?? "" };
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

// A replaced base is left untagged; remove it unless something still uses it (a container, or an
// image built FROM it: 409). Docker does not prune it later by itself: it keeps its repo digest.
async function dropSuperseded(docker: Docker, id: string | undefined): Promise<void> {
  if (id === undefined) return;
  try {
    const info = await docker.getImage(id).inspect();
    if (!info.RepoTags?.length) await docker.getImage(id).remove();
  } catch (err) {
    const status = statusOf(err);
    if (status !== 404 && status !== 409) throw err;
  }
}

async function pullAllTags(opts: SeedOptions, repo: string, tags: readonly string[]): Promise<void> {
  const [first, ...rest] = tags;
  if (first === undefined) return;
  // createImage(auth, query) keeps credentials in the X-Registry-Auth header, out of the query string.
  await readJsonStream(await opts.docker.createImage(opts.authconfig ?? {}, { fromImage: repo, tag: first }));
  for (const tag of rest) await opts.docker.getImage(`${repo}:${first}`).tag({ repo, tag });
}

// ------------------------------------------------------------------ busybox

async function busyboxRecipe(opts: SeedOptions): Promise<ImageRecipe> {
  const busybox = await readFile(await realpath(BUSYBOX_BINARY));
  const applets = await busyboxApplets();
  const changes = ['CMD ["sh"]', `ENV ${PATH_ENV}`];
  const fingerprint = sha256([RECIPE_VERSION, sha256([busybox]), applets.join("\n"), PASSWD, GROUP, NSSWITCH, ...changes]);
  const build = async (ref: string) => {
    const [repo, tag] = splitRef(ref);
    const entries = busyboxRootfs(busybox, applets);
    const stream = await opts.docker.importImage(tarStream(entries), {
      repo,
      tag,
      changes: [...changes, `LABEL ${FINGERPRINT_LABEL}=${fingerprint}`],
    });
    await readJsonStream(stream);
  };
  return { name: "berth/busybox", tags: ["latest", "1"], fingerprint, build, smokeTest: { cmd: ["id", "-u", "nobody"], expect: "65534\n" } };
}

// `--list-full` gives each applet its usual directory (usr/bin/env, sbin/ip…), so scripts with
// `#!/usr/bin/env` shebangs work; anything outside the usual bin dirs (linuxrc) is left out.
async function busyboxApplets(): Promise<string[]> {
  const { stdout } = await promisify(execFile)(BUSYBOX_BINARY, ["--list-full"]);
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((path) => /^(usr\/)?s?bin\/[^/]+$/.test(path) && path !== "bin/busybox")
    .sort();
}

const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
const GROUP = "root:x:0:\nnogroup:x:65534:\n";
// glibc programs (node) would otherwise try DNS before /etc/hosts.
const NSSWITCH = "passwd: files\ngroup: files\nhosts: files dns\n";

function busyboxRootfs(busybox: Buffer, applets: string[]): TarEntry[] {
  const dirs = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc", "root", "tmp"];
  return [
    ...dirs.map((name): TarEntry => ({ kind: "dir", name, mode: modeFor(name) })),
    { kind: "file", name: "bin/busybox", mode: 0o755, content: busybox },
    ...applets.map((name): TarEntry => ({ kind: "symlink", name, target: "/bin/busybox" })),
    { kind: "file", name: "etc/passwd", mode: 0o644, content: Buffer.from(PASSWD) },
    { kind: "file", name: "etc/group", mode: 0o644, content: Buffer.from(GROUP) },
    { kind: "file", name: "etc/nsswitch.conf", mode: 0o644, content: Buffer.from(NSSWITCH) },
  ];
}

function modeFor(dir: string): number {
  if (dir === "tmp") return 0o1777;
  if (dir === "root") return 0o700;
  return 0o755;
}

// ------------------------------------------------------------------ node

async function nodeRecipe(opts: SeedOptions, base: ImageRecipe): Promise<ImageRecipe> {
  const nodePath = await realpath(process.execPath);
  const files = [{ path: "/usr/local/bin/node", mode: 0o755, content: await readFile(nodePath) }];
  for (const lib of await sharedLibraries(nodePath)) files.push({ path: lib, mode: 0o755, content: await readFile(lib) });

  const baseRef = `${opts.registry}/${base.name}:${base.tags[0]}`;
  const dockerfile = [`FROM ${baseRef}`, "COPY rootfs/ /", `ENV ${PATH_ENV}`, "WORKDIR /app", 'CMD ["node"]', ""].join("\n");
  const fileDigests = files.map((f) => `${f.path} ${sha256([f.content])}`);
  const fingerprint = sha256([RECIPE_VERSION, base.fingerprint, dockerfile, ...fileDigests]);
  const build = async (ref: string) => {
    const context: TarEntry[] = [
      { kind: "file", name: "Dockerfile", mode: 0o644, content: Buffer.from(dockerfile) },
      ...files.map((f): TarEntry => ({ kind: "file", name: `rootfs${f.path}`, mode: f.mode, content: f.content })),
    ];
    const stream = await opts.docker.buildImage(tarStream(context), { t: ref, labels: { [FINGERPRINT_LABEL]: fingerprint }, rm: true, forcerm: true });
    await readJsonStream(stream);
  };
  const major = process.versions.node.split(".")[0] ?? "0";
  // `sh -c` proves the busybox layer and PATH as well as the node binary and its libraries.
  const smokeTest = { cmd: ["sh", "-c", "node -e 'process.stdout.write(process.version)'"], expect: process.version };
  return { name: "berth/node", tags: [major, "latest"], fingerprint, build, smokeTest };
}

// Every path `ldd` resolves, the dynamic loader included; linux-vdso has no path and is skipped.
export async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)("ldd", [binary]);
  const libs: string[] = [];
  for (const line of stdout.split("\n")) {
    if (line.includes("not found")) throw new Error(`ldd ${binary}: ${line.trim()}`);
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1]) libs.push(match[1]);
  }
  if (!libs.some((lib) => lib.includes("/ld-linux"))) throw new Error(`ldd ${binary} listed no dynamic loader:\n${stdout}`);
  return libs;
}

// ------------------------------------------------------------------ checks against dockerd and the registry

async function smokeTest(docker: Docker, image: string, check: { cmd: string[]; expect: string }): Promise<void> {
  const container = await docker.createContainer({ Image: image, Cmd: check.cmd, HostConfig: { NetworkMode: "none" } });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const output = demuxLogs(await container.logs({ stdout: true, stderr: true }));
    if (StatusCode !== 0 || output !== check.expect) {
      throw new Error(
        `${image}: smoke test ${JSON.stringify(check.cmd)} exited ${StatusCode} with ${JSON.stringify(output)}, expected ${JSON.stringify(check.expect)}`,
      );
    }
  } finally {
    await container.remove({ force: true });
  }
}

// Without a TTY the Engine frames each chunk with an 8-byte header: stream type, 3 pad bytes, size.
function demuxLogs(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let offset = 0; offset + 8 <= raw.length; ) {
    const size = raw.readUInt32BE(offset + 4);
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString("utf8");
}

type RemoteState = { kind: "match"; digest: string } | { kind: "absent" } | { kind: "unauthorized" };

const MANIFEST_TYPES = ["application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json"].join(", ");

// "match" only when every tag points at one manifest whose image config carries the fingerprint.
async function remoteState(registry: string, name: string, tags: readonly string[], fingerprint: string): Promise<RemoteState> {
  const base = `http://${registry}/v2/${name}`;
  let digest: string | undefined;
  let configDigest: string | undefined;
  for (const tag of tags) {
    const res = await registryGet(`${base}/manifests/${tag}`, MANIFEST_TYPES);
    if (res.status === 401) return { kind: "unauthorized" };
    if (res.status === 404) return { kind: "absent" };
    const manifest = (await res.json()) as { config?: { digest?: string } };
    const tagDigest = res.headers.get("docker-content-digest") ?? "";
    if (digest !== undefined && tagDigest !== digest) return { kind: "absent" };
    digest = tagDigest;
    configDigest = manifest.config?.digest;
  }
  if (!digest || !configDigest) return { kind: "absent" };
  const config = (await (await registryGet(`${base}/blobs/${configDigest}`, "*/*")).json()) as { config?: { Labels?: Record<string, string> } };
  return config.config?.Labels?.[FINGERPRINT_LABEL] === fingerprint ? { kind: "match", digest } : { kind: "absent" };
}

async function registryGet(url: string, accept: string): Promise<Response> {
  let res: Response;
  try {
    // Base images are public: an anonymous token lets us read them under token auth.
    res = await registryFetch(url, { headers: { accept } });
  } catch (err) {
    throw new Error(`registry not reachable at ${url}: ${(err as Error).cause ?? err}`);
  }
  if (!res.ok && res.status !== 401 && res.status !== 404) throw new Error(`registry answered ${res.status} for ${url}: ${await res.text()}`);
  return res;
}

// Returns the manifest digest the registry stored for this tag.
export async function pushTag(docker: Docker, repo: string, tag: string, authconfig?: Docker.AuthConfig): Promise<string> {
  // dockerd 20.10 rejects a push without an X-Registry-Auth header, so send an empty one by default.
  const stream = await docker.getImage(repo).push({ tag, authconfig: authconfig ?? {} });
  const messages = await readJsonStream(stream);
  const digest = messages.map((m) => m.aux?.Digest).find((d) => typeof d === "string");
  if (!digest) throw new Error(`push of ${repo}:${tag} reported no digest`);
  return digest;
}

// ------------------------------------------------------------------ streams

export type JsonMessage = { status?: string; stream?: string; error?: string; errorDetail?: { message?: string }; aux?: { Digest?: string; ID?: string } };

// Engine API progress streams (pull, push, build, import) report failures in-band with HTTP 200.
export async function readJsonStream(stream: NodeJS.ReadableStream): Promise<JsonMessage[]> {
  const messages: JsonMessage[] = [];
  let pending = "";
  const take = (line: string) => {
    if (line.trim() === "") return;
    const message = JSON.parse(line) as JsonMessage;
    if (message.error || message.errorDetail) throw new Error(message.errorDetail?.message ?? message.error);
    messages.push(message);
  };
  for await (const chunk of stream) {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    lines.forEach(take);
  }
  take(pending);
  return messages;
}

type TarEntry =
  | { kind: "file"; name: string; mode: number; content: Buffer }
  | { kind: "dir"; name: string; mode: number }
  | { kind: "symlink"; name: string; target: string };

function tarStream(entries: TarEntry[]): Readable {
  const pack = tar.pack();
  for (const entry of entries) {
    const common = { name: entry.name, mtime: EPOCH, uid: 0, gid: 0 };
    switch (entry.kind) {
      case "file":
        pack.entry({ ...common, type: "file", mode: entry.mode }, entry.content);
        break;
      case "dir":
        pack.entry({ ...common, type: "directory", mode: entry.mode });
        break;
      case "symlink":
        pack.entry({ ...common, type: "symlink", linkname: entry.target, mode: 0o777 });
        break;
    }
  }
  pack.finalize();
  return Readable.from(pack);
}

// ------------------------------------------------------------------ small helpers

function sha256(parts: (string | Buffer)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

// "127.0.0.1:5000/berth/busybox:latest" → ["127.0.0.1:5000/berth/busybox", "latest"]
function splitRef(input: string): [string, string] {
  const ref = requireImageRef(input);
  return [formatImageRef({ domain: ref.domain, path: ref.path }), ref.tag ?? "latest"];
}

function statusOf(err: unknown): number | undefined {
  return typeof err === "object" && err !== null && "statusCode" in err ? Number(err.statusCode) : undefined;
}
