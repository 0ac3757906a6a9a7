// `ADD <url>` without letting the engine fetch: the engine would download from the build host's own
// network, past the outbound policy. The worker fetches each URL itself, through the policy (every
// redirect hop checked again, the connection held to the checked address), with a size limit and a
// timeout, adds the files to the build context (mode 0600, the Last-Modified time, as ADD sets them)
// and rewrites each such step into a COPY of the fetched file (add-url-plan.ts). What is left
// (variables, quotes, ONBUILD) is refused before the build by remote-add-sources.ts.
import { chmod, mkdir, utimes, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import type { OutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { HopFailed, sendFollowing, TooManyRedirects } from "@berth/control/outbound/send-following";
import type { PinnedResponse } from "@berth/control/outbound/send-pinned";
import { redactUrl } from "@berth/core/apps";
import { AppError } from "@berth/core/errors";
import { ADD_DIR, planAddUrls, rewriteDockerfile } from "./add-url-plan.ts";
import { BuildFailure } from "./build-errors.ts";
import { appendToContext, type ContextEdit, stageFile, withStaging } from "./context-files.ts";
import { findContextDockerfile } from "./read-context-dockerfile.ts";

export const MAX_ADD_FILE_BYTES = 100 * 1024 * 1024;
const ADD_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;

export type FetchAddOptions = ContextEdit & {
  policy: OutboundPolicy;
  log?: { write: (line: string) => Promise<unknown> };
  maxFileBytes?: number;
  /** The app's `dockerfile` setting; `Dockerfile` when unset. */
  dockerfile?: string;
};

/** Fetches the Dockerfile's `ADD <url>` sources into the context; returns how many files were fetched. */
export async function fetchAddSources(opts: FetchAddOptions): Promise<number> {
  const found = await findContextDockerfile(opts.contextPath, opts.signal, opts.dockerfile);
  if (!found) return 0;
  const dockerfile = found.content;
  const steps = planAddUrls(dockerfile);
  if (steps.length === 0) return 0;
  return withStaging(opts, async (staging) => {
    const staged: string[][] = [];
    let n = 0;
    for (const step of steps) {
      const paths: string[] = [];
      for (const url of step.urls) {
        n++;
        const file = await download(url, opts);
        const name = fileName(url, file.disposition, step.dest);
        const rel = posix.join(ADD_DIR, String(n), name);
        await mkdir(join(staging, ADD_DIR, String(n)), { recursive: true });
        await writeFile(join(staging, rel), file.body);
        await chmod(join(staging, rel), 0o600);
        if (file.modified) await utimes(join(staging, rel), file.modified, file.modified);
        await opts.log?.write(`Fetched ADD ${redactUrl(url)} (${file.body.length} bytes)`);
        paths.push(rel);
      }
      staged.push(paths);
    }
    await stageFile(staging, found.path, rewriteDockerfile(dockerfile, steps, staged));
    await appendToContext(opts, staging, [ADD_DIR, found.path]);
    return n;
  });
}

type Downloaded = { body: Buffer; modified?: Date; disposition?: string };

async function download(url: string, opts: FetchAddOptions): Promise<Downloaded> {
  const shown = redactUrl(url);
  const max = opts.maxFileBytes ?? MAX_ADD_FILE_BYTES;
  let res: PinnedResponse;
  try {
    res = await sendFollowing(
      opts.policy,
      url,
      { method: "GET", headers: { "user-agent": "Berth-Build/1" }, timeoutMs: ADD_TIMEOUT_MS, maxBodyBytes: max + 1, signal: opts.signal },
      MAX_REDIRECTS,
    );
  } catch (e) {
    if (e instanceof AppError) throw new BuildFailure(`ADD ${shown}: ${e.message}`);
    if (e instanceof TooManyRedirects) throw new BuildFailure(`ADD ${shown}: more than ${MAX_REDIRECTS} redirects`);
    if (!(e instanceof HopFailed)) throw e;
    if (opts.signal?.aborted) throw opts.signal.reason instanceof BuildFailure ? opts.signal.reason : new BuildFailure("build cancelled", "cancelled");
    // One message for every connection failure: a build must not tell open ports from closed ones.
    throw new BuildFailure(`ADD ${shown}: could not download it from ${e.host}`);
  }
  if (res.status < 200 || res.status >= 300) throw new BuildFailure(`ADD ${shown}: the server answered HTTP ${res.status}`);
  if (res.truncated || res.body.length > max) throw new BuildFailure(`ADD ${shown}: the file is larger than ${max / 1024 / 1024} MiB`);
  const modified = res.headers["last-modified"] ? new Date(res.headers["last-modified"]) : undefined;
  return { body: res.body, modified: modified && !Number.isNaN(modified.getTime()) ? modified : undefined, disposition: res.headers["content-disposition"] };
}

/** The file's name as the builder picks it: Content-Disposition's filename, else the URL path's last part. */
function fileName(url: string, disposition: string | undefined, dest: string): string {
  const fromHeader = disposition ? /filename="?([^";]+)"?/i.exec(disposition)?.[1] : undefined;
  const fromPath = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  const name = posix.basename((fromHeader ?? fromPath).trim());
  if (name && name !== "." && name !== ".." && !/[\0/]/.test(name)) return name;
  // Without a name, a destination naming the file is still fine; one ending in / is not.
  if (dest.endsWith("/")) throw new BuildFailure(`ADD ${redactUrl(url)}: cannot tell the file's name from the URL; give the destination a file name`);
  return "download";
}
