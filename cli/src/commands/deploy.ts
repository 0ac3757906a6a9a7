// berth deploy / deployments / cancel / releases / rollback: shipping an app and going back.
import { createWriteStream, openAsBlob } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { MAX_BUILD_CONTEXT_BYTES, type Reply } from "@berth/core";
import { type BuildSettings, sourceDockerfilePath } from "@berth/core/apps";
import type { ApiClient } from "../api-client.ts";
import { type Context, defineCommand } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { type Column, formatBytes, formatTime } from "../output.ts";
import { tarStream, walkDirectory } from "../tar.ts";
import { type AppRef, parseAppRef, resolveDeploymentId, shortId } from "./app-ref.ts";
import { follow } from "./follow.ts";

type Deployment = Reply<"getDeployment">;
type Release = Reply<"listReleases">["releases"][number];

/** Uploading a large context on a slow link takes a while. */
const UPLOAD_TIMEOUT_MS = 30 * 60_000;

const duration = (d: Deployment) => {
  if (!d.startedAt || !d.finishedAt) return "-";
  const s = Math.round((Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
};

const deploymentColumns: Column<Deployment>[] = [
  { header: "id", value: (d) => shortId(d.id) },
  { header: "kind", value: (d) => d.kind },
  { header: "status", value: (d) => d.status },
  { header: "release", value: (d) => (d.releaseVersion ? `v${d.releaseVersion}` : "-") },
  { header: "image", value: (d) => d.imageRef ?? "-" },
  { header: "by", value: (d) => d.createdBy ?? "-" },
  { header: "created", value: (d) => formatTime(d.createdAt) },
  { header: "took", value: duration, align: "right" },
  { header: "reason", value: (d) => d.reason ?? "" },
];

/**
 * Tars and gzips what a build of `dir` reads (the app's build context and Dockerfile, when its
 * config.build names them) into a temporary file; refuses one larger than the server accepts.
 */
async function packContext(dir: string, build: BuildSettings | undefined): Promise<{ file: string; bytes: number; cleanup: () => Promise<void> }> {
  const root = resolve(dir);
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  const dockerfile = sourceDockerfilePath(build);
  if (!(await stat(join(root, dockerfile)).catch(() => null))?.isFile()) throw new UsageError(`${dir} has no ${dockerfile}`);
  const tmp = await mkdtemp(join(tmpdir(), "berth-context-"));
  const cleanup = () => rm(tmp, { recursive: true, force: true });
  const file = join(tmp, "context.tar.gz");
  try {
    const entries = walkDirectory(root, { context: build?.context, dockerfile: build?.dockerfile });
    await pipeline(Readable.from(tarStream(entries)), createGzip(), createWriteStream(file, { mode: 0o600 }));
    const bytes = (await stat(file)).size;
    if (bytes > MAX_BUILD_CONTEXT_BYTES) {
      throw new CliError(
        `the build context is ${formatBytes(bytes)} compressed; the limit is ${formatBytes(MAX_BUILD_CONTEXT_BYTES)} (list what the build does not need in .dockerignore)`,
      );
    }
    return { file, bytes, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function uploadContext(ctx: Context, api: ApiClient, ref: AppRef, dir: string): Promise<Deployment> {
  const { data: app } = await api.call("getApp", { params: ref });
  const packed = await packContext(dir, app.config.build ?? undefined);
  try {
    if (!ctx.out.json) ctx.out.note(`Uploading the build context (${formatBytes(packed.bytes)} compressed)…`);
    const { data } = await api.upload("uploadBuild", {
      params: ref,
      raw: { body: await openAsBlob(packed.file), contentType: "application/gzip" },
      timeoutMs: UPLOAD_TIMEOUT_MS,
    });
    return data;
  } finally {
    await packed.cleanup();
  }
}

export const deploy = defineCommand({
  path: ["deploy"],
  summary: "Deploy an app: its image, another image (--image), a directory with a Dockerfile (--dir) or its repository (--repo)",
  details: [
    "--dir packs the directory (minus .git and what .dockerignore lists), uploads it and Berth builds it.",
    "--repo has Berth fetch the app's repository (its branch, or --ref: a branch, tag or commit) and build it.",
    "Then the log is followed until the deployment is live (exit 0) or not (exit 1). Ctrl-C stops following;",
    "the deployment goes on. With --json the deployment is printed as soon as it is queued.",
  ].join("\n"),
  args: ["team/app"],
  options: {
    image: {
      type: "string",
      value: "ref",
      help: "deploy this image (127.0.0.1:5000/acme/web:2 in Berth's registry; nginx:1, i.e. docker.io/library/nginx:1, is copied in from Docker Hub)",
    },
    dir: { type: "string", value: "path", help: "build and deploy this directory" },
    repo: { type: "boolean", help: "build and deploy the app's repository" },
    ref: { type: "string", value: "ref", help: "with --repo: the branch, tag or commit (default: the repository's branch)" },
    detach: { type: "boolean", help: "do not follow the log" },
  },
  async run(ctx, { args, flags }) {
    const ref = parseAppRef(args["team/app"]);
    if ([flags.image, flags.dir, flags.repo].filter(Boolean).length > 1) throw new UsageError("use one of --image, --dir and --repo");
    if (flags.ref && !flags.repo) throw new UsageError("--ref needs --repo");
    const api = await ctx.api();
    let deployment: Deployment;
    let raw: unknown;
    if (flags.dir) {
      deployment = await uploadContext(ctx, api, ref, flags.dir);
      raw = deployment;
    } else if (flags.repo) {
      ({ data: deployment, raw } = await api.call("deployRepository", { params: ref, body: flags.ref ? { ref: flags.ref } : {} }));
    } else {
      ({ data: deployment, raw } = await api.call("createDeployment", { params: ref, body: flags.image ? { image: flags.image } : {} }));
    }
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.note(`Deployment ${deployment.id} (${deployment.kind}) is ${deployment.status}.`);
    if (flags.detach) return;
    await follow(ctx, api, ref, deployment);
  },
});

export const deployments = defineCommand({
  path: ["deployments"],
  summary: "List an app's deployments, newest first",
  args: ["team/app"],
  options: {},
  async run(ctx, { args }) {
    const ref = parseAppRef(args["team/app"]);
    const { data, raw } = await (await ctx.api()).call("listDeployments", { params: ref });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(deploymentColumns, data.deployments, `${args["team/app"]} has not been deployed yet.`);
  },
});

export const cancel = defineCommand({
  path: ["cancel"],
  summary: "Cancel a queued or running deployment (an id or its first characters)",
  args: ["team/app", "deployment"],
  options: {},
  async run(ctx, { args }) {
    const ref = parseAppRef(args["team/app"]);
    const api = await ctx.api();
    const id = await resolveDeploymentId(api, ref, args.deployment);
    const { data, raw } = await api.call("cancelDeployment", { params: { ...ref, id } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.line(
      data.status === "cancelled" ? `Cancelled deployment ${data.id}.` : `Asked deployment ${data.id} (${data.status}) to stop; it stops within a few seconds.`,
    );
  },
});

const releaseColumns = (live: number | null): Column<Release>[] => [
  { header: "version", value: (r) => `v${r.version}${r.version === live ? " (live)" : ""}` },
  { header: "image", value: (r) => r.imageRef },
  { header: "digest", value: (r) => (r.digest ? r.digest.slice(0, 19) : "-") },
  { header: "replicas", value: (r) => String(r.config.replicas), align: "right" },
  { header: "env", value: (r) => r.envKeys.join(",") || "-" },
  { header: "by", value: (r) => r.createdBy ?? "-" },
  { header: "created", value: (r) => formatTime(r.createdAt) },
];

export const releases = defineCommand({
  path: ["releases"],
  summary: "List an app's releases (the live one is marked)",
  args: ["team/app"],
  options: {},
  async run(ctx, { args }) {
    const ref = parseAppRef(args["team/app"]);
    const { data, raw } = await (await ctx.api()).call("listReleases", { params: ref });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.table(releaseColumns(data.liveVersion), data.releases, `${args["team/app"]} has no releases yet.`);
  },
});

export const rollback = defineCommand({
  path: ["rollback"],
  summary: "Deploy an earlier release again (same image and config, no rebuild) and follow it",
  args: ["team/app", "version"],
  options: { detach: { type: "boolean", help: "do not follow the log" } },
  async run(ctx, { args, flags }) {
    const ref = parseAppRef(args["team/app"]);
    const version = args.version.replace(/^v/, "");
    if (!/^\d+$/.test(version)) throw new UsageError(`"${args.version}" is not a release version (like 3 or v3)`);
    const api = await ctx.api();
    const { data, raw } = await api.call("rollback", { params: { ...ref, version } });
    if (ctx.out.json) return ctx.out.printJson(raw);
    ctx.out.note(`Rolling back to v${version}: deployment ${data.id} is ${data.status}.`);
    if (!flags.detach) await follow(ctx, api, ref, data);
  },
});

export const deployCommands = [deploy, deployments, cancel, releases, rollback];
