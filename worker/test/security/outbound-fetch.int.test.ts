// The worker's repository fetch under the outbound policy, with real git against a smart-HTTP git
// server on 127.0.0.1 that wants credentials: refused (before git runs) until an instance admin
// allows that one address and port; then fetched with the credentials unsealed; a redirect is not
// followed; a closed port gives one generic message (no port scanner); git:// is refused. And
// Dockerfile `ADD <url>`: fetched by the worker through the same policy (each redirect checked
// again) into the build context as a COPY, so the file lands in the image as ADD would put it.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { Destination } from "@berth/control/outbound/check-destination";
import { gitPinConfig } from "@berth/control/outbound/git-pin";
import { loadOutboundPolicy } from "@berth/control/outbound/outbound-policy";
import { sendPinned } from "@berth/control/outbound/send-pinned";
import { createDb } from "@berth/db";
import { call, rand, signUp, type TestUser, teamWith } from "../../../web/test/api.ts";
import { signIn, stack } from "../../../web/test/config.ts";
import { type GitHttpServer, startGitHttpServer } from "../../../web/test/git-http-server.ts";
import { allowOutbound } from "../../../web/test/outbound.ts";
import { appRepositoryFetch } from "../../src/builds/app-repository-fetch.ts";
import { BuildFailure } from "../../src/builds/build-errors.ts";
import { fetchAddSources } from "../../src/builds/fetch-add-sources.ts";
import { fetchRepository } from "../../src/builds/fetch-repository.ts";
import { refuseRemoteAddSources } from "../../src/builds/remote-add-sources.ts";
import { loadConfig } from "../../src/config.ts";

const config = loadConfig();
const db = createDb(config.DATABASE_URL, { max: 2 });
const BASE = mkdtempSync(join(tmpdir(), "berth-outbound-fetch-"));
const TOKEN = `tok-${rand()}${rand()}`;
const gitEnv = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: BASE,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.test",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.test",
};
const git = (args: string[], cwd: string) => execFileSync("git", args, { cwd, env: gitEnv, timeout: 30_000 }).toString().trim();

let server: GitHttpServer;
let adminCookie: string;
let owner: TestUser;
let team: string;
let sha: string;
let redirector: Server;
const redirected: string[] = [];
const work = join(BASE, "work");

before(async () => {
  cpSync(join(import.meta.dirname, "../../../examples/node-http"), work, { recursive: true });
  git(["init", "-q", "-b", "main"], work);
  git(["add", "."], work);
  git(["-c", "commit.gpgsign=false", "commit", "-q", "-m", "v1"], work);
  git(["clone", "-q", "--bare", work, join(BASE, "app.git")], BASE);
  sha = git(["rev-parse", "HEAD"], work);
  server = await startGitHttpServer(BASE, gitEnv, { user: "bot", password: TOKEN });
  // Answers everything with a redirect to the git server.
  redirector = createServer((req, res) => {
    redirected.push(`${req.headers.host}${req.url}`);
    res.writeHead(301, { location: `http://127.0.0.1:${server.port}${req.url}` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  owner = await signUp();
  team = await teamWith(owner);
});

after(async () => {
  await server?.close();
  redirector?.close();
  await db.$disconnect();
  rmSync(BASE, { recursive: true, force: true });
});

const fetchInto = async (url: string, policy?: Awaited<ReturnType<typeof loadOutboundPolicy>>) => {
  const dir = mkdtempSync(join(BASE, "ctx-"));
  return fetchRepository({ url, ref: "main", dest: join(dir, "ctx.tar"), workDir: dir, path: gitEnv.PATH, policy, timeoutMs: 30_000 });
};

const failure = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BuildFailure, String(e));
    return e.message;
  }
  assert.fail("expected a BuildFailure");
};

describe("repository fetch through the outbound policy", () => {
  it("refuses the loopback git server before git runs, then fetches it with sealed credentials once an admin allows that address and port", async () => {
    const url = `http://bot:${TOKEN}@127.0.0.1:${server.port}/app.git`;
    const policy = await loadOutboundPolicy(db, {});
    const refused = await failure(fetchInto(url, policy));
    assert.match(refused, /^refused: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/app\.git resolves to 127\.0\.0\.1, a loopback address; Berth sends requests only/);
    assert.ok(!refused.includes(TOKEN));
    assert.equal(server.requests().length, 0, "git never reached the server");

    const allowance = await allowOutbound(adminCookie, [`127.0.0.1:${server.port}`]);
    try {
      const name = `f${rand()}`;
      const created = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name, repository: { url } } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const fetchWith = await appRepositoryFetch({ db, config }, created.body.app.id, created.body.app.repository.url);
      assert.equal(fetchWith.url, url, "the credentials are put back for the fetch");
      assert.deepEqual(await fetchInto(fetchWith.url, fetchWith.policy), { sha });
      assert.ok(server.requests().length > 0);
      // Another port of the same address stays closed: the allowance is for one port.
      const other = await failure(fetchInto(`http://127.0.0.1:${(redirector.address() as { port: number }).port}/app.git`, fetchWith.policy));
      assert.match(other, /a loopback address/);
    } finally {
      await allowance.restore();
    }
  });

  it("does not follow a redirect, even to an allowed destination", async () => {
    const port = (redirector.address() as { port: number }).port;
    const allowance = await allowOutbound(adminCookie, [`127.0.0.1:${port}`, `127.0.0.1:${server.port}`]);
    try {
      const before = server.requests().length;
      const message = await failure(fetchInto(`http://127.0.0.1:${port}/app.git`, await loadOutboundPolicy(db, {})));
      assert.match(message, /answered with a redirect, which Berth does not follow; use the final URL/);
      assert.ok(redirected.length > 0, "the redirecting server was asked");
      assert.equal(server.requests().length, before, "the redirect's target was never reached");
    } finally {
      await allowance.restore();
    }
  });

  it("says the same for every connection failure, so a fetch cannot probe ports", async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const allowance = await allowOutbound(adminCookie, [`127.0.0.1:${closed}`]);
    try {
      const message = await failure(fetchInto(`http://127.0.0.1:${closed}/app.git`, await loadOutboundPolicy(db, {})));
      assert.equal(
        message,
        `could not fetch main from http://127.0.0.1:${closed}/app.git: could not connect to 127.0.0.1:${closed} (or it did not answer as a git server)`,
      );
    } finally {
      await allowance.restore();
    }
  });

  it("refuses git:// (its connection cannot be held to a checked address)", async () => {
    const message = await failure(fetchInto(`git://127.0.0.1:${server.port}/app.git`));
    assert.match(message, /git:\/\/ URLs are not supported/);
  });
});

describe("connections go to the checked address (no DNS rebinding)", () => {
  // A name that resolves nowhere: only the pin can take the connection to the checked address.
  const pinned = (port: number): Destination => ({
    url: new URL(`http://bot:${TOKEN}@pinned.invalid:${port}/app.git`),
    host: "pinned.invalid",
    port,
    address: "127.0.0.1",
    family: 4,
  });

  it("git connects to the pinned address whatever the name resolves to", async () => {
    const dest = pinned(server.port);
    // Asynchronously: the git server answers from this very process.
    const { stdout } = await promisify(execFile)("git", ["-c", "credential.helper=", ...gitPinConfig(dest), "ls-remote", dest.url.href, "main"], {
      cwd: BASE,
      env: { ...gitEnv, GIT_TERMINAL_PROMPT: "0" },
      timeout: 30_000,
    });
    assert.match(stdout.trim(), new RegExp(`^${sha}\\trefs/heads/main$`));
  });

  it("a webhook request connects to the pinned address, with the name as Host", async () => {
    const port = (redirector.address() as { port: number }).port;
    const before = redirected.length;
    const res = await sendPinned({ ...pinned(port), url: new URL(`http://pinned.invalid:${port}/hook`) }, { method: "POST", body: "{}", timeoutMs: 5_000 });
    assert.equal(res.status, 301, "the redirect is returned, not followed");
    assert.deepEqual(redirected.slice(before), [`pinned.invalid:${port}/hook`]);
  });
});

describe("ADD <url> fetched by the worker", () => {
  const MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT";
  let files: Server;
  let filesPort = 0;
  const served: string[] = [];
  let elsewhere: Server;
  let elsewherePort = 0;
  const reachedElsewhere: string[] = [];

  before(async () => {
    elsewhere = createServer((req, res) => {
      reachedElsewhere.push(req.url ?? "");
      res.end("should never be fetched\n");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    elsewherePort = (elsewhere.address() as { port: number }).port;
    files = createServer((req, res) => {
      served.push(req.url ?? "");
      if (req.url === "/away") return void res.writeHead(302, { location: `http://127.0.0.1:${elsewherePort}/secret` }).end();
      if (req.url === "/moved/hello.txt") return void res.writeHead(301, { location: "/files/hello.txt" }).end();
      res.writeHead(200, { "last-modified": MODIFIED, "content-type": "text/plain" }).end("hello from the allowed server\n");
    });
    await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
    filesPort = (files.address() as { port: number }).port;
  });

  after(() => {
    files?.close();
    elsewhere?.close();
  });

  async function context(dockerfile: string, gzip = false): Promise<string> {
    const dir = mkdtempSync(join(BASE, "addctx-"));
    const src = join(dir, "src");
    cpSync(join(import.meta.dirname, "../../../examples/node-http"), src, { recursive: true });
    writeFileSync(join(src, "Dockerfile"), dockerfile);
    const tar = join(dir, "ctx.tar");
    execFileSync("tar", ["-C", src, gzip ? "-czf" : "-cf", tar, "."]);
    return tar;
  }

  const docker = (args: string[]) => promisify(execFile)("docker", ["-H", `unix://${config.DOCKER_SOCKET}`, ...args], { timeout: 120_000 });

  it("refuses an ADD URL nobody allowed, before anything is fetched", async () => {
    const tar = await context(`FROM ${stack.registryHost}/berth/busybox:latest\nADD http://127.0.0.1:${filesPort}/files/hello.txt /x/\n`);
    const message = await failure(fetchAddSources({ contextPath: tar, policy: await loadOutboundPolicy(db, {}), path: gitEnv.PATH }));
    assert.match(message, /^ADD http:\/\/127\.0\.0\.1:\d+\/files\/hello\.txt: refused: .* a loopback address; Berth sends requests only to public addresses/);
    assert.deepEqual(served, []);
  });

  it("fetches an allowed ADD URL (following a redirect on the same allowed server) and the file lands in the image as ADD puts it", async () => {
    const allowance = await allowOutbound(adminCookie, [`127.0.0.1:${filesPort}`]);
    const image = `berth-test/add-url:${rand()}`;
    try {
      const dockerfile = [
        `FROM ${stack.registryHost}/berth/busybox:latest`,
        `ADD http://127.0.0.1:${filesPort}/files/hello.txt /x/`,
        `ADD --chown=7:8 http://127.0.0.1:${filesPort}/moved/hello.txt /y.txt`,
        "",
      ].join("\n");
      const tar = await context(dockerfile, true);
      const lines: string[] = [];
      const n = await fetchAddSources({
        contextPath: tar,
        policy: await loadOutboundPolicy(db, {}),
        path: gitEnv.PATH,
        log: { write: async (l) => lines.push(l) },
      });
      assert.equal(n, 2);
      assert.ok(served.includes("/files/hello.txt") && served.includes("/moved/hello.txt"), served.join(" "));
      // Nothing left for the engine to fetch: the check before the build passes.
      // The appended Dockerfile (the archive's last entry of that path, which the engine uses).
      const rewritten = execFileSync("tar", ["-xOf", tar, "Dockerfile"]).toString();
      assert.match(rewritten, /^COPY \[".berth-add\/1\/hello.txt", "\/x\/"\]$/m);
      assert.doesNotThrow(() => refuseRemoteAddSources(rewritten));
      assert.deepEqual(lines.length, 2);
      const fetched = served.length;
      await promisify(execFile)("sh", ["-c", `docker -H unix://${config.DOCKER_SOCKET} build -q -t ${image} - < ${tar}`], { timeout: 180_000 });
      const { stdout } = await docker(["run", "--rm", image, "sh", "-c", "stat -c '%a %u:%g %Y %n' /x/hello.txt /y.txt; cat /x/hello.txt"]);
      assert.equal(served.length, fetched, "the engine fetched nothing itself");
      const mtime = Math.floor(new Date(MODIFIED).getTime() / 1000);
      assert.equal(stdout, `600 0:0 ${mtime} /x/hello.txt\n600 7:8 ${mtime} /y.txt\nhello from the allowed server\n`);
    } finally {
      await allowance.restore();
      await docker(["rmi", "-f", image]).catch(() => undefined);
    }
  });

  it("checks every redirect again: one to a destination nobody allowed is refused and never reached", async () => {
    const allowance = await allowOutbound(adminCookie, [`127.0.0.1:${filesPort}`]);
    try {
      const tar = await context(`FROM ${stack.registryHost}/berth/busybox:latest\nADD http://127.0.0.1:${filesPort}/away /x\n`);
      const message = await failure(fetchAddSources({ contextPath: tar, policy: await loadOutboundPolicy(db, {}), path: gitEnv.PATH }));
      assert.match(message, /^ADD http:\/\/127\.0\.0\.1:\d+\/away: refused: http:\/\/127\.0\.0\.1:\d+\/secret resolves to 127\.0\.0\.1, a loopback address/);
      assert.deepEqual(reachedElsewhere, []);
    } finally {
      await allowance.restore();
    }
  });
});
