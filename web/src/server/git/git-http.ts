// web/server.ts hands these paths to plain Node handlers before Next: git's smart HTTP and the
// pre-receive hook's callback both stream for minutes in both directions, which Next's route
// handlers do not promise. Next's middleware (src/proxy.ts) therefore never sees /git/.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Env } from "../../env.ts";
import { appDeps } from "../apps/app-deps.ts";
import { ctx } from "../context.ts";
import { PUSH_HOOK_PATH, receivePushHook } from "./deploy-push.ts";
import { serveGit } from "./serve-git.ts";

export function gitHttpHandler(e: Env): (req: IncomingMessage, res: ServerResponse) => boolean {
  const pushUrl = `http://127.0.0.1:${e.BERTH_WEB_PORT}${PUSH_HOOK_PATH}`;
  const gitBase = { PATH: e.PATH, HOME: e.HOME };
  // Nothing may escape as an unhandled rejection: it would stop the whole web process.
  const guard = (res: ServerResponse) => (err: unknown) => {
    ctx().log.error({ err }, "git request failed");
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end("internal error\n");
  };
  return (req, res) => {
    const path = req.url ?? "";
    if (path.startsWith("/git/")) {
      serveGit({ ...appDeps(), auth: ctx().auth, gitDir: e.gitDir, pushUrl, gitBase }, req, res).catch(guard(res));
      return true;
    }
    if (path === PUSH_HOOK_PATH) {
      receivePushHook({ ...appDeps(), gitBase }, req, res).catch(guard(res));
      return true;
    }
    return false;
  };
}
