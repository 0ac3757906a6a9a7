// `git push` deploys over smart HTTP, driven by the real git client through Caddy
// (http://localhost:8080/git/<team>/<app>.git): the build streams back as `remote:` lines, a
// failed deploy rejects the push and leaves the old release serving, and access follows the team
// role and the token's scopes.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { childEnv, stack } from "./config.ts";
import { appHost, proxyGet, requestLoop, waitForApp } from "./deploys.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/node-http");
const HOME = mkdtempSync(join(tmpdir(), "berth-git-home-"));
const WORK = mkdtempSync(join(tmpdir(), "berth-git-work-"));

type GitResult = { code: number; stdout: string; stderr: string };

/** Runs the real git client with a throwaway HOME, no prompts and a time limit. */
function git(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd ?? WORK,
      env: {
        PATH: childEnv().PATH,
        HOME,
        GIT_TERMINAL_PROMPT: "0",
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_AUTHOR_NAME: "Test",
        GIT_AUTHOR_EMAIL: "test@example.test",
        GIT_COMMITTER_NAME: "Test",
        GIT_COMMITTER_EMAIL: "test@example.test",
        ...opts.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 240_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const ok = async (args: string[], opts: { cwd?: string } = {}) => {
  const r = await git(args, opts);
  assert.equal(r.code, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r;
};

const proxyPort = stack.proxyPort;
const remote = (user: string, secret: string, team: string, app: string) =>
  `http://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@localhost:${proxyPort}/git/${team}/${app}.git`;

async function tokenOf(user: TestUser, scopes: string[]): Promise<string> {
  const r = await call("createToken", { cookie: user.cookie, body: { name: `git-${rand()}`, scopes, expiresInDays: 1 } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.secret;
}

const commitAll = (cwd: string, message: string) => ok(["-c", "commit.gpgsign=false", "commit", "-q", "-a", "-m", message], { cwd });
const head = async (cwd: string) => (await ok(["rev-parse", "HEAD"], { cwd })).stdout.trim();

let dev: TestUser;
let viewer: TestUser;
let team: string;
let devToken: string;
const app = `g${rand()}`;
let host: string;
let repo: string;
let url: string;

before(async () => {
  dev = await signUp();
  viewer = await signUp();
  team = await teamWith(dev, [{ user: viewer, role: "viewer" }]);
  devToken = await tokenOf(dev, ["apps:deploy"]);
  host = appHost(app, team);
  repo = join(WORK, "app");
  cpSync(EXAMPLE, repo, { recursive: true });
  url = remote(dev.username, devToken, team, app);
  await ok(["init", "-q", "-b", "main"], { cwd: repo });
  await ok(["add", "."], { cwd: repo });
  await commitAll(repo, "node-http v1");
  await ok(["remote", "add", "berth", url], { cwd: repo });
});

after(async () => {
  await call("deleteApp", { cookie: dev.cookie, params: { team, app } });
  rmSync(HOME, { recursive: true, force: true });
  rmSync(WORK, { recursive: true, force: true });
});

describe("git push", () => {
  it("creates the app on the first push, streams the build as remote: lines and deploys it", async (t) => {
    const started = Date.now();
    const r = await git(["push", "berth", "main"], { cwd: repo });
    t.diagnostic(`first push to live: ${Date.now() - started} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /remote: Step 1\/\d+ : FROM/);
    assert.match(r.stderr, new RegExp(`remote: Deployed v1 to http://${host}:${proxyPort}`));
    const res = await waitForApp(host, (x) => x.status === 200);
    assert.deepEqual(JSON.parse(res.body), { app: "node-http", version: "1" });
    const got = await call("getApp", { cookie: dev.cookie, params: { team, app } });
    assert.equal(got.body.sourceType, "git");
    assert.equal(got.body.liveRelease.version, 1);
  });

  it("deploys a new commit with zero failed requests while it rolls out", async (t) => {
    const server = join(repo, "server.js");
    writeFileSync(server, readFileSync(server, "utf8").replace('APP_VERSION ?? "1"', 'APP_VERSION ?? "2"'));
    await commitAll(repo, "node-http v2");
    let done: (v?: unknown) => void = () => {};
    const stop = new Promise((r) => {
      done = r;
    });
    const loop = requestLoop(host, { clients: 4, maxMs: 180_000, until: stop });
    const started = Date.now();
    const r = await git(["push", "berth", "main"], { cwd: repo });
    done();
    const result = await loop;
    t.diagnostic(`update push to live: ${Date.now() - started} ms; ${result.total} requests meanwhile, ${result.failed} failed`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /remote: Deployed v2 to /);
    assert.ok(result.total > 50, `only ${result.total} requests`);
    assert.equal(result.failed, 0, `${result.failed} of ${result.total} failed: ${result.failures.join("; ")}`);
    assert.equal(JSON.parse((await proxyGet(host)).body).version, "2");
  });

  it("rejects a push whose build fails, names the failing step and keeps the old release serving", async () => {
    const good = await head(repo);
    const dockerfile = join(repo, "Dockerfile");
    writeFileSync(dockerfile, readFileSync(dockerfile, "utf8").replace("WORKDIR /app", "WORKDIR /app\nRUN exit 3"));
    await commitAll(repo, "broken build");
    const r = await git(["push", "berth", "main"], { cwd: repo });
    assert.notEqual(r.code, 0, "the push is rejected");
    assert.match(r.stderr, /remote: .*Step \d+\/\d+ : RUN exit 3/);
    assert.match(r.stderr, /remote: Deploy failed: /);
    assert.match(r.stderr, /pre-receive hook declined/);
    const res = await proxyGet(host);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).version, "2", "the previous release still serves");
    const refs = await ok(["ls-remote", url, "refs/heads/main"]);
    assert.ok(refs.stdout.startsWith(good), "the branch did not move");
    await ok(["reset", "-q", "--hard", good], { cwd: repo });
  });

  it("rejects a push whose release fails its health check, with the reason, and keeps the old release serving", async () => {
    const good = await head(repo);
    const server = join(repo, "server.js");
    writeFileSync(server, readFileSync(server, "utf8").replace('if (pathname === "/") return send(res, 200,', 'if (pathname === "/") return send(res, 500,'));
    await commitAll(repo, "answers 500");
    const r = await git(["push", "berth", "main"], { cwd: repo });
    assert.notEqual(r.code, 0, "the push is rejected");
    assert.match(r.stderr, /remote: Deploy failed: .*health check failed.*500/);
    assert.match(r.stderr, /remote: Push rejected; the previous release keeps serving/);
    const res = await proxyGet(host);
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).version, "2");
    await ok(["reset", "-q", "--hard", good], { cwd: repo });
  });

  it("stores a push to another branch without deploying it", async () => {
    const before = await call("listDeployments", { cookie: dev.cookie, params: { team, app } });
    await ok(["checkout", "-q", "-b", "feature"], { cwd: repo });
    writeFileSync(join(repo, "NOTES.md"), "not deployed\n");
    await ok(["add", "NOTES.md"], { cwd: repo });
    await commitAll(repo, "feature work");
    const r = await git(["push", "berth", "feature"], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /remote: feature: not the deploy branch \(main\): stored, not deployed/);
    const refs = await ok(["ls-remote", url]);
    assert.match(refs.stdout, new RegExp(`^${await head(repo)}\\s+refs/heads/feature$`, "m"));
    const after = await call("listDeployments", { cookie: dev.cookie, params: { team, app } });
    assert.equal(after.body.deployments.length, before.body.deployments.length, "no new deployment");
    await ok(["checkout", "-q", "main"], { cwd: repo });
  });

  it("serialises two pushes at once: one deploys, the other waits and is told the branch moved", async () => {
    const base = await head(repo);
    const clones = ["a", "b"].map((n) => join(WORK, `concurrent-${n}`));
    for (const [i, dir] of clones.entries()) {
      await ok(["clone", "-q", url, dir]);
      const server = join(dir, "server.js");
      writeFileSync(server, readFileSync(server, "utf8").replace(/APP_VERSION \?\? "\d+"/, `APP_VERSION ?? "3${"ab"[i]}"`));
      await commitAll(dir, `v3${"ab"[i]}`);
    }
    const results = await Promise.all(clones.map((dir) => git(["push", "origin", "main"], { cwd: dir })));
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    assert.equal(winners.length, 1, results.map((r) => r.stderr).join("\n-----\n"));
    assert.equal(losers.length, 1);
    const winner = clones[results.indexOf(winners[0] as GitResult)] as string;
    assert.match(winners[0]?.stderr ?? "", /remote: Deployed v\d+ to /);
    assert.match(losers[0]?.stderr ?? "", /remote: Another push to .* is deploying; waiting/);
    assert.match(losers[0]?.stderr ?? "", /remote: main moved to [0-9a-f]{7} \(another push\) while this one waited: nothing deployed/);
    const version = JSON.parse((await proxyGet(host)).body).version;
    assert.equal(version, winner.endsWith("a") ? "3a" : "3b", "the winner's commit serves");
    const refs = await ok(["ls-remote", url, "refs/heads/main"]);
    assert.ok(refs.stdout.startsWith(await head(winner)), "main is the winner's commit");
    assert.notEqual(await head(winner), base);
    await ok(["pull", "-q", "--ff-only", "berth", "main"], { cwd: repo });
  });

  it("lets a team member clone; refuses a viewer's push, a bad token and a stranger with readable messages", async () => {
    const viewerToken = await tokenOf(viewer, ["apps:deploy"]);
    const clone = join(WORK, "clone");
    await ok(["clone", "-q", remote(viewer.username, viewerToken, team, app), clone]);
    assert.equal(readFileSync(join(clone, "server.js"), "utf8"), readFileSync(join(repo, "server.js"), "utf8"));
    // A fetch with many local commits to offer sends a gzip'd request body.
    for (let i = 0; i < 40; i++) {
      writeFileSync(join(clone, "n.txt"), `${i}\n`);
      await ok(["add", "n.txt"], { cwd: clone });
      await commitAll(clone, `local ${i}`);
    }
    await ok(["checkout", "-q", "-b", "gz"], { cwd: repo });
    writeFileSync(join(repo, "gz.txt"), "new on the server\n");
    await ok(["add", "gz.txt"], { cwd: repo });
    await commitAll(repo, "gz");
    await ok(["push", "-q", "berth", "gz"], { cwd: repo });
    await ok(["checkout", "-q", "main"], { cwd: repo });
    const fetched = await git(["fetch", "origin"], { cwd: clone, env: { GIT_TRACE_CURL: "1", GIT_TRACE_CURL_NO_DATA: "1" } });
    assert.equal(fetched.code, 0, fetched.stderr.slice(-2000));
    assert.ok(fetched.stderr.includes("Send header: Content-Encoding: gzip"), "the fetch sent a gzip'd body");
    assert.match((await ok(["branch", "-r"], { cwd: clone })).stdout, /origin\/gz/);

    const denied = await git(["push", remote(viewer.username, viewerToken, team, app), "HEAD:main"], { cwd: clone });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /403/);
    assert.match(denied.stderr, /does not allow apps\.deploy/);

    const badToken = `berth_pat_${"x".repeat(40)}`;
    const bad = await git(["ls-remote", remote(dev.username, badToken, team, app)]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Authentication failed|401/);

    const scoped = await tokenOf(dev, ["registry:read"]);
    const noScope = await git(["push", remote(dev.username, scoped, team, app), "HEAD:main"], { cwd: clone });
    assert.notEqual(noScope.code, 0);
    assert.match(noScope.stderr, /lacks the "apps:deploy" scope/);

    const stranger = await signUp();
    const strangerToken = await tokenOf(stranger, ["apps:deploy"]);
    const foreign = await git(["ls-remote", remote(stranger.username, strangerToken, team, app)]);
    assert.notEqual(foreign.code, 0);
    assert.match(foreign.stderr, /not found/);

    const created = await git(["push", remote(viewer.username, viewerToken, team, `n${rand()}`), "HEAD:main"], { cwd: clone });
    assert.notEqual(created.code, 0, "a viewer cannot create an app by pushing");
  });

  it("takes a 50 MB push of incompressible data (a chunked body through Caddy) and deploys it", async (t) => {
    const size = 50 * 1024 * 1024;
    writeFileSync(join(repo, "blob.bin"), randomBytes(size));
    await ok(["add", "blob.bin"], { cwd: repo });
    await commitAll(repo, "50 MB of random data");
    const started = Date.now();
    const r = await git(["push", "berth", "main"], { cwd: repo, timeoutMs: 300_000 });
    t.diagnostic(`50 MB push to live: ${Date.now() - started} ms`);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /remote: Deployed v\d+ to /);
    assert.equal((await ok(["ls-remote", url, "refs/heads/main"])).stdout.slice(0, 40), await head(repo));
  });

  it("asks for credentials with a Basic challenge", async () => {
    const res = await fetch(`${stack.proxyUrl}/git/${team}/${app}.git/info/refs?service=git-upload-pack`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Basic realm="Berth"');
  });

  it("deletes the app's repository with the app", async () => {
    const teamId = (await call("getTeam", { cookie: dev.cookie, params: { team } })).body.id;
    const appId = (await call("getApp", { cookie: dev.cookie, params: { team, app } })).body.id;
    const dir = join(stack.home, "git", teamId, `${appId}.git`);
    assert.ok(existsSync(join(dir, "HEAD")), `${dir} exists while the app does`);
    assert.equal((await call("deleteApp", { cookie: dev.cookie, params: { team, app } })).status, 204);
    assert.ok(!existsSync(dir), "the repository is gone");
    const r = await git(["ls-remote", url]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /not found/);
  });
});
