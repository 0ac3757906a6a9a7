// Adds files to a build context tar before the build, for the steps that change it: ADD <url>'s
// fetched files (fetch-add-sources.ts) and a rewritten Dockerfile (there and in
// import-base-images.ts). Appended entries come last, and the last entry of a path is what the
// engine unpacks (and what read-context-dockerfile.ts reads), so an appended Dockerfile replaces the old one.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { MAX_BUILD_CONTEXT_BYTES } from "@berth/core/apps";
import { BuildFailure } from "./build-errors.ts";
import { ensurePlainContext } from "./plain-context.ts";

export type ContextEdit = {
  /** The build context (a tar, plain or gzipped): rewritten in place as a plain tar. */
  contextPath: string;
  /** PATH for tar. */
  path: string;
  signal?: AbortSignal;
};

/** Appends `entries` (paths relative to `staging`) to the context (gunzipped first: tar cannot append to gzip). */
export async function appendToContext(opts: ContextEdit, staging: string, entries: string[]): Promise<void> {
  await ensurePlainContext(opts.contextPath);
  await promisify(execFile)("tar", ["--append", "-f", opts.contextPath, "-C", staging, "--owner=0", "--group=0", "--numeric-owner", "--", ...entries], {
    // Node's types want NODE_ENV in every env; tar needs nothing but PATH.
    env: { PATH: opts.path } as unknown as NodeJS.ProcessEnv,
    signal: opts.signal,
    timeout: 120_000,
  });
  if ((await stat(opts.contextPath)).size > MAX_BUILD_CONTEXT_BYTES)
    throw new BuildFailure(`the build context with the files Berth added is larger than ${MAX_BUILD_CONTEXT_BYTES / 1024 / 1024} MiB`);
}

/** A staging directory next to the context, removed after `use`. */
export async function withStaging<T>(opts: ContextEdit, use: (dir: string) => Promise<T>): Promise<T> {
  const staging = await mkdtemp(join(dirname(opts.contextPath), "edit-"));
  try {
    return await use(staging);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes `content` at `rel` below `staging` (its directories made). */
export async function stageFile(staging: string, rel: string, content: Buffer): Promise<void> {
  await mkdir(dirname(join(staging, rel)), { recursive: true });
  await writeFile(join(staging, rel), content);
}

/** Replaces the Dockerfile at `dockerfile` (a cleaned path in the context) with `content`. */
export async function replaceContextDockerfile(opts: ContextEdit, dockerfile: string, content: Buffer): Promise<void> {
  await withStaging(opts, async (staging) => {
    await stageFile(staging, dockerfile, content);
    await appendToContext(opts, staging, [dockerfile]);
  });
}
