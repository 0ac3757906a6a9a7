// The pre-receive hook's call: POST /api/internal/git/push with the one-time push secret and the
// pushed refs. A push to the deploy branch is archived (`git archive <commit>`, reading the push's
// quarantined objects) into the build directory and deployed like an upload; the deployment's log
// streams back as NDJSON lines (`{"line"}` … `{"exit"}`) that the hook prints as `remote:` lines.
// Exit 0 lets git update the branch (the deploy is live); 1 rejects the push.
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { followDeployment } from "@berth/control/deployments/follow-deployment";
import { AppError, type DeploymentEnd, isAppError, MAX_BUILD_CONTEXT_BYTES } from "@berth/core";
import { buildSettings, sourceDockerfilePath } from "@berth/core/apps";
import { z } from "zod";
import { appUrl, defaultHostname } from "../apps/app-address.ts";
import type { AppDeps } from "../apps/app-deps.ts";
import { isPrivilegedApp, requireAdminForPrivilegedApp } from "../apps/privileged-app.ts";
import { startBuild } from "../deployments/start-build.ts";
import { acquirePushLock, holdUntilPushEnds } from "./push-lock.ts";
import { type PushSession, pushSession, pushSessionKey } from "./push-session.ts";
import { type GitBaseEnv, gitEnv } from "./repo.ts";

export const PUSH_HOOK_PATH = "/api/internal/git/push";
const run = promisify(execFile);
const SHA = /^[0-9a-f]{40}$/;
const ZERO = "0".repeat(40);
const hookBody = z.object({
  refs: z.array(z.object({ old: z.string().regex(SHA), new: z.string().regex(SHA), ref: z.string().min(1).max(1024) })).max(1000),
  objectDir: z.string().max(4096).nullable(),
  alternates: z.string().max(16_384).nullable(),
});
/** A push never waits longer than this for its deploy (the deploy's own limit is shorter). */
const FOLLOW_MAX_MS = 60 * 60 * 1000;

export type PushHookDeps = AppDeps & { gitBase: GitBaseEnv };

export async function receivePushHook(deps: PushHookDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const secret = req.headers["x-berth-push-secret"];
  // The hook calls web directly; anything that came through Caddy (which adds X-Forwarded-For) is not it.
  const direct = req.headers["x-forwarded-for"] === undefined;
  const raw = direct && typeof secret === "string" && /^[0-9a-f]{64}$/.test(secret) ? await deps.redis.getdel(pushSessionKey(secret)) : null;
  if (req.method !== "POST" || !raw) {
    res.writeHead(403, { "content-type": "text/plain; charset=utf-8" }).end("unknown or already used push secret\n");
    return;
  }
  const session = pushSession.parse(JSON.parse(raw));
  let body: z.infer<typeof hookBody>;
  try {
    body = hookBody.parse(JSON.parse(await readSmall(req, 256 * 1024)));
  } catch {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("malformed hook request\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
  res.flushHeaders();
  // The hook went away (the client gave up): stop waiting for it.
  const left = new AbortController();
  res.on("close", () => left.abort());
  const say = (line: string) => {
    if (!left.signal.aborted) res.write(`${JSON.stringify({ line })}\n`);
  };
  try {
    const code = await deployPush(deps, { ...session, secret: secret as string }, body, say, left.signal);
    res.end(`${JSON.stringify({ exit: code })}\n`);
  } catch (err) {
    if (!isAppError(err)) deps.log.error({ err, appId: session.appId }, "git push deploy failed");
    say(isAppError(err) ? err.message : "internal error: the push was not deployed");
    res.end(`${JSON.stringify({ exit: 1 })}\n`);
  }
}

async function deployPush(
  deps: PushHookDeps,
  session: PushSession & { secret: string },
  body: z.infer<typeof hookBody>,
  say: (line: string) => void,
  left: AbortSignal,
): Promise<number> {
  const app = await deps.db.app.findUnique({ where: { id: session.appId }, include: { team: { select: { slug: true } } } });
  if (!app || app.teamId !== session.teamId) throw new AppError("NOT_FOUND", "the app was deleted while you pushed");
  const branch = await deployBranchOf(deps.gitBase, session.repo, app.deployBranch, body.refs);
  const target = body.refs.find((r) => r.ref === `refs/heads/${branch}`);
  for (const r of body.refs) {
    if (r !== target) say(`${r.ref.replace(/^refs\/heads\//, "")}: not the deploy branch (${app.deployBranch}): stored, not deployed`);
  }
  if (!target) return 0;
  if (target.new === ZERO) {
    say(`${branch} deleted: nothing deployed; the live release keeps serving`);
    return 0;
  }
  if (isPrivilegedApp(app.config)) {
    // Checked when the push began (authorize-git.ts); again here, as mounts may have been added or the pusher demoted since.
    const pusher = await deps.db.user.findUnique({ where: { id: session.userId }, select: { role: true } });
    requireAdminForPrivilegedApp(pusher ? { role: pusher.role ?? "user", scopes: null } : null, app, "push code to it");
  }

  const env = gitEnv(deps.gitBase, { GIT_DIR: session.repo, ...quarantine(session.repo, body) });
  // The app's build settings may put it in a directory (monorepos: `services/api/docker/Dockerfile.prod`).
  const dockerfile = sourceDockerfilePath(buildSettings.safeParse((app.config as { build?: unknown } | null)?.build ?? {}).data);
  const hasDockerfile = await run("git", ["cat-file", "-e", `${target.new}:${dockerfile}`], { env }).then(
    () => true,
    () => false,
  );
  if (!hasDockerfile)
    throw new AppError(
      "BAD_REQUEST",
      `no Dockerfile at ${dockerfile === "Dockerfile" ? "the root" : dockerfile} of ${target.new.slice(0, 7)}: push rejected, nothing deployed`,
    );

  const release = await acquirePushLock(deps.redis, app.id, {
    maxWaitMs: FOLLOW_MAX_MS,
    abandoned: () => left.aborted,
    onWait: () => say(`Another push to ${app.name} is deploying; waiting for it to finish…`),
  });
  if (!release) return 1;
  let code = 1;
  try {
    // The branch moved while this push waited: git would refuse the update after the deploy anyway.
    const current = await run("git", ["rev-parse", "--verify", "--quiet", target.ref], { env: gitEnv(deps.gitBase, { GIT_DIR: session.repo }) }).then(
      (r) => r.stdout.trim(),
      () => ZERO,
    );
    if (current !== target.old) {
      say(`${branch} moved to ${current.slice(0, 7)} (another push) while this one waited: nothing deployed, push rejected.`);
      say(`Fetch, merge or rebase onto it, and push again.`);
      return 1;
    }
    code = await buildAndFollow(deps, session, { app, branch, commit: target.new, env }, say, left);
    return code;
  } finally {
    if (code === 0) holdUntilPushEnds(session.secret, release);
    else await release();
  }
}

async function buildAndFollow(
  deps: PushHookDeps,
  session: PushSession,
  push: { app: { id: string; name: string; teamId: string; team: { slug: string } }; branch: string; commit: string; env: NodeJS.ProcessEnv },
  say: (line: string) => void,
  left: AbortSignal,
): Promise<number> {
  const { app, branch, commit, env } = push;
  const buildId = randomUUID();
  const path = join(deps.settings.buildDir, `${buildId}.tar`);
  await mkdir(deps.settings.buildDir, { recursive: true, mode: 0o700 });
  const bytes = await archive(env, commit, path);
  const d = await startBuild(deps, { app, buildId, path, source: commit, bytes, actor: { userId: session.userId, ip: session.ip } });
  say(`Deploying ${commit.slice(0, 7)} (${branch}) to ${app.name}: deployment ${d.id}`);

  // The deployment's log as the worker writes it, until its outcome (a blocking read on the stream).
  const url = appUrl(defaultHostname(app.name, app.team.slug, deps.settings.domain), deps.settings.proxyPort);
  const stop = AbortSignal.any([left, AbortSignal.timeout(FOLLOW_MAX_MS)]);
  for await (const event of followDeployment(deps, d.id, { signal: stop })) {
    if (event.kind === "line") say(event.text);
    else if (event.kind === "end") return verdict(event.end, url, say);
  }
  return 1;
}

function verdict({ status, reason, releaseVersion }: DeploymentEnd, url: string, say: (l: string) => void): number {
  switch (status) {
    case "live":
    case "replaced":
      say(`Deployed v${releaseVersion ?? "?"} to ${url}`);
      return 0;
    case "superseded":
      say(`Not deployed: superseded by a newer push before it started (${reason ?? "superseded"}); push rejected`);
      return 1;
    case "cancelled":
      say(`Deploy cancelled: ${reason ?? "cancelled"}; push rejected, the previous release keeps serving`);
      return 1;
    default:
      say(`Deploy failed: ${reason ?? "unknown reason"}`);
      say("Push rejected; the previous release keeps serving");
      return 1;
  }
}

/** `main` by default; `master` when that is what is pushed and the repository has no `main`. */
async function deployBranchOf(base: GitBaseEnv, repo: string, configured: string, refs: { ref: string; new: string }[]): Promise<string> {
  if (configured !== "main" || refs.some((r) => r.ref === "refs/heads/main")) return configured;
  if (!refs.some((r) => r.ref === "refs/heads/master")) return configured;
  const hasMain = await run("git", ["rev-parse", "--verify", "--quiet", "refs/heads/main"], { env: gitEnv(base, { GIT_DIR: repo }) }).then(
    () => true,
    () => false,
  );
  return hasMain ? "main" : "master";
}

/** The push's quarantine directories, accepted only inside the app's own repository. */
function quarantine(repo: string, body: { objectDir: string | null; alternates: string | null }): Record<string, string> {
  const inside = (p: string) => resolve(p).startsWith(resolve(repo) + sep);
  const out: Record<string, string> = {};
  if (body.objectDir) {
    if (!inside(body.objectDir)) throw new AppError("FORBIDDEN", "object directory outside the repository");
    out.GIT_OBJECT_DIRECTORY = body.objectDir;
  }
  if (body.alternates) {
    const dirs = body.alternates.split(":").map((p) => p.replace(/^"|"$/g, ""));
    if (!dirs.every(inside)) throw new AppError("FORBIDDEN", "alternate object directory outside the repository");
    out.GIT_ALTERNATE_OBJECT_DIRECTORIES = dirs.join(":");
  }
  return out;
}

async function archive(env: NodeJS.ProcessEnv, commit: string, path: string): Promise<number> {
  const child = spawn("git", ["archive", "--format=tar", commit], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString("utf8").slice(0, 2000);
  });
  const exited = new Promise<number>((r) => child.on("close", (code) => r(code ?? 1)));
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(
        size > MAX_BUILD_CONTEXT_BYTES ? new AppError("PAYLOAD_TOO_LARGE", `the commit's files exceed ${MAX_BUILD_CONTEXT_BYTES / 1024 / 1024} MiB`) : null,
        chunk,
      );
    },
  });
  try {
    await pipeline(child.stdout, limit, createWriteStream(path, { flags: "wx", mode: 0o600 }));
    if ((await exited) !== 0) throw new AppError("INTERNAL", `git archive failed: ${stderr.trim()}`);
  } catch (err) {
    child.kill();
    await rm(path, { force: true });
    throw err;
  }
  return size;
}

function readSmall(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error("too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
