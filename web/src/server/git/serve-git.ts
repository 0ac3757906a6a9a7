// Smart HTTP at /git/<team>/<app>.git/* through git's own `git http-backend` (CGI): the request
// body streams into its stdin (gzip'd bodies too: it inflates them itself), its header block is
// parsed and the rest streams back unbuffered, so a push's `remote:` lines reach the client as
// the deploy runs. Served from web/server.ts before Next, which would buffer neither way reliably.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, dirname } from "node:path";
import { AppError, isAppError } from "@berth/core";
import type { AppDeps } from "../apps/app-deps.ts";
import type { Auth } from "../auth/auth.ts";
import { clientIp } from "../limits/client-ip.ts";
import { authorizeGit, parseRepoNames } from "./authorize-git.ts";
import { releaseHeldPushLock } from "./push-lock.ts";
import { PUSH_SESSION_TTL_S, pushSessionKey } from "./push-session.ts";
import { ensureRepo, type GitBaseEnv, gitEnv } from "./repo.ts";

export type GitHttpDeps = AppDeps & { auth: Auth; gitDir: string; pushUrl: string; gitBase: GitBaseEnv };

const PATH = /^\/git\/([^/]+)\/([^/]+)\.git(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;
const SERVICES = ["git-upload-pack", "git-receive-pack"];

export async function serveGit(deps: GitHttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let secret: string | null = null;
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    const m = PATH.exec(url.pathname);
    if (!m) throw new AppError("NOT_FOUND", "not a Berth repository URL: use /git/<team>/<app>.git");
    const names = parseRepoNames(m[1] ?? "", m[2] ?? "");
    const rest = m[3] ?? "";
    const service = rest === "/info/refs" ? url.searchParams.get("service") : rest.slice(1);
    if (!service || !SERVICES.includes(service)) throw new AppError("BAD_REQUEST", "only git's smart HTTP protocol is served (git 1.6.6 or newer)");
    if ((rest === "/info/refs") !== (req.method === "GET")) throw new AppError("BAD_REQUEST", "wrong method");
    const push = service === "git-receive-pack";
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const ip = clientIp(headers);
    const { caller, team, app } = await authorizeGit(deps, { ...names, push, authorization: headers.get("authorization"), ip });
    const repo = await ensureRepo(deps.gitBase, deps.gitDir, team.id, app.id);

    const extra: Record<string, string | undefined> = {};
    if (push && rest === "/git-receive-pack") {
      // The hook proves it runs for this push with a one-time secret only its environment holds.
      secret = randomBytes(32).toString("hex");
      const session = { teamId: team.id, appId: app.id, userId: caller.user.id, ip, repo };
      await deps.redis.set(pushSessionKey(secret), JSON.stringify(session), "EX", PUSH_SESSION_TTL_S);
      extra.BERTH_PUSH_SECRET = secret;
      extra.BERTH_PUSH_URL = deps.pushUrl;
    }
    await runBackend(deps, req, res, {
      ...extra,
      GIT_PROJECT_ROOT: dirname(repo),
      PATH_INFO: `/${basename(repo)}${rest}`,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method,
      CONTENT_TYPE: req.headers["content-type"],
      CONTENT_LENGTH: req.headers["content-length"],
      HTTP_CONTENT_ENCODING: req.headers["content-encoding"],
      GIT_PROTOCOL: headers.get("git-protocol") ?? undefined,
      REMOTE_USER: caller.user.username ?? caller.user.email,
      REMOTE_ADDR: ip,
      GIT_HTTP_EXPORT_ALL: "1",
    });
  } catch (err) {
    if (!isAppError(err)) deps.log.error({ err }, "git request failed");
    const e = isAppError(err) ? err : new AppError("INTERNAL", "internal error");
    if (!res.headersSent) {
      const h: Record<string, string> = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" };
      if (e.status === 401) h["www-authenticate"] = 'Basic realm="Berth"';
      const retry = (e.details as { retryAfter?: number } | undefined)?.retryAfter;
      if (e.status === 429 && retry) h["retry-after"] = String(retry);
      res.writeHead(e.status, h);
    }
    res.end(`${e.message}\n`);
  } finally {
    if (secret) {
      await deps.redis.del(pushSessionKey(secret)).catch(() => {});
      await releaseHeldPushLock(secret);
    }
  }
}

function runBackend(deps: GitHttpDeps, req: IncomingMessage, res: ServerResponse, env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn("git", ["http-backend"], { env: gitEnv(deps.gitBase, env), stdio: ["pipe", "pipe", "pipe"] });
    let head = Buffer.alloc(0);
    let started = false;
    let requestDone = false;
    let stderr = "";
    const fail = (message: string) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${message}\n`);
    };
    // The answer starts only once the whole request body is in: Caddy (Go's HTTP/1 server) throws
    // away the unread rest of a request as soon as its response begins, which cut large pushes.
    // git's own output before that point is a few bytes (receive-pack reads the pack first).
    const start = () => {
      if (started) return;
      const end = headerEnd(head);
      if (end === null) return;
      started = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end.at).toString("latin1").split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i <= 0) continue;
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (name === "status") status = Number.parseInt(value, 10) || 500;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.flushHeaders();
      const body = head.subarray(end.at + end.length);
      if (body.length > 0) res.write(body);
    };
    req.on("end", () => {
      requestDone = true;
      start();
    });
    req.pipe(child.stdin);
    child.stdin.on("error", () => {});
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString("utf8");
    });
    child.stdout.on("data", (chunk: Buffer) => {
      if (started) {
        if (!res.write(chunk)) {
          child.stdout.pause();
          res.once("drain", () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, chunk]);
      if (headerEnd(head) === null && head.length > 64 * 1024) child.kill();
      else if (requestDone || head.length > 4 * 1024 * 1024) start();
    });
    // A client that goes away takes its backend with it (a running hook's deploy goes on).
    res.on("close", () => {
      if (child.exitCode === null) child.kill();
    });
    child.on("error", (err) => {
      deps.log.error({ err }, "git http-backend did not start");
      fail("git is not available on the server");
      resolve();
    });
    child.on("close", (code) => {
      if (code !== 0) deps.log.warn({ code, stderr: stderr.slice(0, 2000) }, "git http-backend failed");
      start();
      if (!started) fail(`git http-backend failed: ${stderr.trim().slice(0, 500)}`);
      else res.end();
      resolve();
    });
  });
}

function headerEnd(buf: Buffer): { at: number; length: number } | null {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return null;
}
