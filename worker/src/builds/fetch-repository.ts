// A build whose source is `repo:<url>#<ref>` starts here: the worker fetches that one commit
// (shallow, into a throwaway repository) and archives it into the build context file, so the rest
// of the build runs exactly as for an upload. Only http(s) URLs are allowed (git's own
// `protocol.allow` too, so a submodule cannot switch to file:// or ext::), nothing asks for a
// password, and credentials in the URL never reach a log, a row or a message. The URL passes the
// outbound policy first (control/src/outbound) and git is held to the checked address, with no
// redirects (git-pin.ts): a refused destination never reaches git. git's own words about a failed
// connection are not passed on (they would tell open ports from closed ones): one message says it.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { checkDestination, type Destination } from "@berth/control/outbound/check-destination";
import { gitPinConfig } from "@berth/control/outbound/git-pin";
import { type OutboundPolicy, strictPolicy } from "@berth/control/outbound/outbound-policy";
import { gitRef, MAX_BUILD_CONTEXT_BYTES, redactUrl, repositoryUrl } from "@berth/core/apps";
import { AppError } from "@berth/core/errors";
import { BuildFailure } from "./build-errors.ts";

export const REPO_SOURCE_PREFIX = "repo:";
export const FETCH_TIMEOUT_MS = 120_000;

/** `repo:<url>#<ref>` → its parts; null for any other source. A ref never contains `#`. */
export function parseRepoSource(source: string): { url: string; ref: string } | null {
  if (!source.startsWith(REPO_SOURCE_PREFIX)) return null;
  const at = source.lastIndexOf("#");
  if (at < 0) return null;
  return { url: source.slice(REPO_SOURCE_PREFIX.length, at), ref: source.slice(at + 1) };
}

/** Checks a URL and ref as the API does; the worker never trusts a row to have been checked. */
export function checkRepoTarget(url: string, ref: string): void {
  const u = repositoryUrl.safeParse(url);
  if (!u.success) throw new BuildFailure(`refusing to fetch ${redactUrl(url)}: ${u.error.issues[0]?.message ?? "not an allowed URL"}`);
  const r = gitRef.safeParse(ref);
  if (!r.success) throw new BuildFailure(`refusing to fetch ${JSON.stringify(ref)}: ${r.error.issues[0]?.message ?? "not a git ref"}`);
}

const GIT_CONFIG = [
  "-c",
  "protocol.allow=never",
  "-c",
  "protocol.http.allow=always",
  "-c",
  "protocol.https.allow=always",
  "-c",
  "core.hooksPath=/dev/null",
  "-c",
  "credential.helper=",
];

export type FetchInput = {
  url: string;
  ref: string;
  /** Where the context tar goes. */
  dest: string;
  /** A directory for the throwaway repository (the build dir). */
  workDir: string;
  /** PATH for git. */
  path: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxBytes?: number;
  /**
   * The outbound policy (control's loadOutboundPolicy: the admin's allow list, Berth's own
   * addresses). Without it, nothing is allowed beyond public addresses that are not this machine's.
   */
  policy?: OutboundPolicy;
};

/** Checks the URL against the policy; a refusal is the build's failure, in the policy's words. */
export async function checkRepoDestination(url: string, policy: OutboundPolicy): Promise<Destination> {
  try {
    return await checkDestination(policy, url);
  } catch (e) {
    if (e instanceof AppError) throw new BuildFailure(e.message);
    throw e;
  }
}

/** Fetches `ref` of `url` at depth 1 and writes `git archive` of it to `dest`; returns the commit. */
export async function fetchRepository(input: FetchInput): Promise<{ sha: string }> {
  const { url, ref } = input;
  checkRepoTarget(url, ref);
  const dest = await checkRepoDestination(url, input.policy ?? strictPolicy());
  const maxBytes = input.maxBytes ?? MAX_BUILD_CONTEXT_BYTES;
  const dir = await mkdtemp(join(input.workDir, "fetch-"));
  // Our own timer rather than AbortSignal.timeout(): one held only by AbortSignal.any() can be
  // garbage-collected before it fires.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), input.timeoutMs ?? FETCH_TIMEOUT_MS);
  const deadline = timeout.signal;
  const signal = input.signal ? AbortSignal.any([input.signal, deadline]) : deadline;
  const git = (args: string[], opts: { watchSize?: boolean } = {}) =>
    runGit(dir, [...GIT_CONFIG, ...gitPinConfig(dest), ...args], { path: input.path, signal, maxBytes: opts.watchSize ? maxBytes : undefined });
  try {
    await git(["init", "-q", "--bare", "."]);
    const fetched = await git(["fetch", "-q", "--depth", "1", "--no-tags", "--", url, ref], { watchSize: true });
    if (fetched.code !== 0) {
      if (input.signal?.aborted) throw input.signal.reason;
      const why = fetched.tooLarge
        ? `the repository is larger than ${maxBytes / 1024 / 1024} MiB`
        : deadline.aborted
          ? `timed out after ${(input.timeoutMs ?? FETCH_TIMEOUT_MS) / 1000} s`
          : gitFailure(fetched.stderr, dest) || `git exited with ${fetched.code}`;
      throw new BuildFailure(`could not fetch ${ref} from ${redactUrl(url)}: ${redactUrl(why)}`);
    }
    const head = await git(["rev-parse", "--verify", "FETCH_HEAD^{commit}"]);
    const sha = head.stdout.trim();
    if (head.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) throw new BuildFailure(`could not fetch ${ref} from ${redactUrl(url)}: it is not a commit`);
    const archived = await git(["archive", "--format=tar", "-o", input.dest, sha]);
    if (archived.code !== 0) throw new BuildFailure(`could not archive ${sha.slice(0, 12)}: ${redactUrl(lastLines(archived.stderr))}`);
    const size = (await stat(input.dest)).size;
    if (size > maxBytes) {
      await rm(input.dest, { force: true });
      throw new BuildFailure(`the build context of ${sha.slice(0, 12)} is larger than ${maxBytes / 1024 / 1024} MiB`);
    }
    return { sha };
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * What a failed fetch tells the user. Connection failures get one message whatever the cause
 * (refused, timed out, reset, TLS), so a build cannot be used to probe which ports answer.
 */
function gitFailure(stderr: string, dest: Destination): string {
  const text = stderr.toLowerCase();
  if (/redirect|returned error: 30[1-8]\b/.test(text)) return `${dest.url.host} answered with a redirect, which Berth does not follow; use the final URL`;
  if (/certificate/.test(text)) return `the TLS certificate of ${dest.url.host} could not be verified`;
  if (
    /failed to connect|could not resolve|connection (refused|reset|timed out)|timed out|couldn't connect|ssl|tls|gnutls|empty reply|recv failure|send failure/.test(
      text,
    )
  )
    return `could not connect to ${dest.url.host} (or it did not answer as a git server)`;
  return lastLines(stderr);
}

const lastLines = (text: string) => text.trim().split("\n").slice(-3).join(" ").slice(0, 500);

type GitResult = { code: number | null; stdout: string; stderr: string; tooLarge: boolean };

/** Runs git with a clean environment: no prompts, no user or system config, no askpass. */
function runGit(cwd: string, args: string[], opts: { path: string; signal: AbortSignal; maxBytes?: number }): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return resolve({ code: null, stdout: "", stderr: "", tooLarge: false });
    const env: Record<string, string> = {
      PATH: opts.path,
      HOME: cwd,
      GIT_TERMINAL_PROMPT: "0",
      GIT_ASKPASS: "/bin/false",
      SSH_ASKPASS: "/bin/false",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_PROTOCOL_FROM_USER: "0",
    };
    // Node's types want NODE_ENV in every env; git needs nothing but the above.
    const child = spawn("git", args, { cwd, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let tooLarge = false;
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < 65_536) stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-8_192);
    });
    const kill = () => child.kill("SIGKILL");
    opts.signal.addEventListener("abort", kill, { once: true });
    let checking = false;
    const watch =
      opts.maxBytes === undefined
        ? undefined
        : setInterval(async () => {
            if (checking) return;
            checking = true;
            try {
              if ((await diskUsage(cwd)) > (opts.maxBytes ?? 0)) {
                tooLarge = true;
                kill();
              }
            } finally {
              checking = false;
            }
          }, 500);
    child.on("error", reject);
    child.on("close", (code) => {
      opts.signal.removeEventListener("abort", kill);
      if (watch) clearInterval(watch);
      resolve({ code: tooLarge ? null : code, stdout, stderr, tooLarge });
    });
  });
}

/** Bytes of the files under a directory (bounded by what git writes into it). */
async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += await stat(join(e.parentPath, e.name))
      .then((s) => s.size)
      .catch(() => 0);
  }
  return total;
}
