// A git server over smart HTTP for tests: `git http-backend` as CGI behind a Node listener on
// 127.0.0.1, serving the bare repositories below `root` read-only. Berth's worker fetches only
// http(s) URLs (git:// cannot be pinned to a checked address), so a repository test needs one.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";

export type GitHttpServer = {
  port: number;
  url: (repo: string) => string;
  /** Every request so far (`METHOD path?query`), answered or refused. */
  requests: () => string[];
  close: () => Promise<void>;
};

/** `auth`: HTTP Basic credentials every request must carry (a private repository). */
export async function startGitHttpServer(root: string, env: Record<string, string>, auth?: { user: string; password: string }): Promise<GitHttpServer> {
  const expected = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` : undefined;
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const child = spawn("git", ["http-backend"], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
        ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
      },
      stdio: ["pipe", "pipe", "ignore"],
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (started) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      started = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split("\r\n")) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    child.on("close", () => res.end());
    child.on("error", () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (repo) => `http://127.0.0.1:${port}/${repo}`,
    requests: () => [...seen],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
