// Applies the context's .dockerignore before the build, for every source (upload, git push,
// repository): the Engine's /build endpoint does not (the docker CLI does it on the client side), so
// without this an ignored file would reach the image through `COPY . .`. The entries it excludes
// are deleted from the context tar (gunzipped first: tar cannot delete from gzip).
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { excluded, parseDockerignore, withBuildFiles } from "@berth/core/dockerignore";
import { BuildFailure } from "./build-errors.ts";
import { ensurePlainContext } from "./plain-context.ts";
import { DEFAULT_DOCKERFILE, dockerfilePath, listContext } from "./read-context-dockerfile.ts";

export type ApplyDockerignoreOptions = {
  contextPath: string;
  /** PATH for tar. */
  path: string;
  signal?: AbortSignal;
  /** The app's `dockerfile` setting (relative to the context); `Dockerfile` when unset. */
  dockerfile?: string;
};

/** Returns how many entries were left out (0 when the context has no .dockerignore). */
export async function applyDockerignore(opts: ApplyDockerignoreOptions): Promise<number> {
  const listing = await listContext(opts.contextPath, opts.signal, opts.dockerfile);
  if (!listing.dockerignore) return 0;
  const paths = new Set(listing.entries.map((e) => e.path));
  // The Dockerfile the engine reads (by default `Dockerfile`, else `dockerfile`) is always sent, as the CLI sends it.
  const configured = dockerfilePath(opts.dockerfile);
  const dockerfile = configured !== DEFAULT_DOCKERFILE || paths.has(configured) || !paths.has("dockerfile") ? configured : "dockerfile";
  const patterns = withBuildFiles(parseDockerignore(listing.dockerignore.toString("utf8")), dockerfile);
  const names = [...new Set(listing.entries.filter((e) => excluded(patterns, e.path)).map((e) => e.name))];
  if (names.length === 0) return 0;

  await ensurePlainContext(opts.contextPath);
  const list = `${opts.contextPath}.ignored`;
  try {
    await writeFile(list, `${names.join("\0")}\0`, "latin1");
    // Exact names (as stored), one entry each: a directory's name must not take what is below it along.
    await promisify(execFile)("tar", ["--delete", "--no-recursion", "--no-wildcards", "--null", "-T", list, "-f", opts.contextPath], {
      // Node's types want NODE_ENV in every env; tar needs nothing but PATH.
      env: { PATH: opts.path } as unknown as NodeJS.ProcessEnv,
      signal: opts.signal,
      timeout: 120_000,
    });
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof BuildFailure ? opts.signal.reason : new BuildFailure("build cancelled", "cancelled");
    // The context itself is the problem (tar could not find or remove an entry it lists): not worth a retry.
    const stderr = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new BuildFailure(`could not apply .dockerignore to the build context: ${stderr.split("\n").slice(-3).join(" ") || (e as Error).message}`);
  } finally {
    await rm(list, { force: true });
  }
  return names.length;
}
