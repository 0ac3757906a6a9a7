// Deploying from a repository URL: the worker fetches over smart HTTP from a real `git http-backend`
// on 127.0.0.1 that wants credentials (given in the URL, sealed at rest), allowed through the
// outbound policy by that one address and port as an instance admin would; a GitHub-style push
// webhook (HMAC-SHA256 of the body with the app's secret) deploys the pushed commit. Bad
// signatures, other branches and unsafe URLs deploy nothing.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ROUTES, routePath } from "@berth/core";
import { call, fakeIp, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { appHost, deliverRepoWebhook, deploymentLog, proxyGet, waitForApp, waitForDeployment } from "./deploys.ts";
import { type GitHttpServer, startGitHttpServer } from "./git-http-server.ts";
import { allowOutbound } from "./outbound.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/node-http");
const BASE = mkdtempSync(join(tmpdir(), "berth-repo-deploy-"));
const BARE = join(BASE, "app.git");
const WORK = join(BASE, "work");

const gitEnv = {
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: BASE,
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.test",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.test",
};
const git = (args: string[], cwd = WORK) => execFileSync("git", args, { cwd, env: gitEnv, timeout: 30_000 }).toString().trim();

const deliver = deliverRepoWebhook;

const TOKEN = `tok-${rand()}${rand()}`;
let gitServer: GitHttpServer;
let allowance: { restore: () => Promise<void> } | undefined;
let port: number;
/** The URL as given (with credentials) and as Berth shows it. */
let repoUrl: string;
let shownUrl: string;
let dev: TestUser;
let team: string;
const app = `r${rand()}`;
let appId: string;
let host: string;

before(async () => {
  cpSync(EXAMPLE, WORK, { recursive: true });
  git(["init", "-q", "-b", "main"]);
  git(["add", "."]);
  git(["-c", "commit.gpgsign=false", "commit", "-q", "-m", "v1"]);
  git(["clone", "-q", "--bare", WORK, BARE], BASE);
  git(["remote", "add", "origin", BARE]);
  gitServer = await startGitHttpServer(BASE, gitEnv, { user: "bot", password: TOKEN });
  port = gitServer.port;
  repoUrl = `http://bot:${TOKEN}@127.0.0.1:${port}/app.git`;
  shownUrl = `http://***@127.0.0.1:${port}/app.git`;
  allowance = await allowOutbound(await signIn(stack.adminEmail, stack.adminPassword), [`127.0.0.1:${port}`]);
  dev = await signUp();
  team = await teamWith(dev);
  host = appHost(app, team);
});

after(async () => {
  if (dev) await call("deleteApp", { cookie: dev.cookie, params: { team, app } });
  await allowance?.restore();
  await gitServer?.close();
  rmSync(BASE, { recursive: true, force: true });
});

const deploymentCount = async () => (await call("listDeployments", { cookie: dev.cookie, params: { team, app } })).body.deployments.length as number;

describe("deploy from a repository URL", () => {
  it("refuses file:// and ext:: URLs", async () => {
    for (const url of ["file:///etc", "ext::sh -c touch% /tmp/pwned", "ext::git-remote-x"]) {
      const r = await call("createApp", { cookie: dev.cookie, params: { team }, body: { name: `x${rand()}`, repository: { url } } });
      assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
    }
  });

  it("fetches the repository on the worker, builds it and serves it", async () => {
    const created = await call("createApp", {
      cookie: dev.cookie,
      params: { team },
      body: { name: app, repository: { url: repoUrl, branch: "main" } },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    appId = created.body.app.id;
    assert.deepEqual(created.body.app.repository, { url: shownUrl, branch: "main", webhook: false });
    const r = await call("deployRepository", { cookie: dev.cookie, params: { team, app }, body: {} });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const d = await waitForDeployment({ cookie: dev.cookie }, team, app, r.body.id);
    const log = await deploymentLog({ cookie: dev.cookie }, team, app, r.body.id);
    assert.equal(d.status, "live", log.join("\n"));
    const sha = git(["rev-parse", "HEAD"]);
    assert.ok(log.includes(`Fetched ${shownUrl} main at ${sha}`), log.join("\n"));
    assert.ok(!log.join("\n").includes(TOKEN), "the credentials are in no log line");
    const res = await waitForApp(host, (x) => x.status === 200);
    assert.deepEqual(JSON.parse(res.body), { app: "node-http", version: "1" });
  });

  it("a signed push event for the branch deploys the pushed commit", async () => {
    const rotated = await call("rotateWebhookSecret", { cookie: dev.cookie, params: { team, app } });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.match(rotated.body.url, new RegExp(`/api/v1/hooks/apps/${appId}$`));
    const secret = rotated.body.secret as string;
    assert.deepEqual((await deliver(appId, "ping", { zen: "hi" }, secret)).body, { ok: true });

    const server = join(WORK, "server.js");
    writeFileSync(server, readFileSync(server, "utf8").replace('APP_VERSION ?? "1"', 'APP_VERSION ?? "2"'));
    git(["-c", "commit.gpgsign=false", "commit", "-q", "-a", "-m", "v2"]);
    git(["push", "-q", "origin", "main"]);
    const sha = git(["rev-parse", "HEAD"]);
    const r = await deliver(appId, "push", { ref: "refs/heads/main", after: sha }, secret);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const d = await waitForDeployment({ cookie: dev.cookie }, team, app, r.body.deploymentId);
    const log = await deploymentLog({ cookie: dev.cookie }, team, app, r.body.deploymentId);
    assert.equal(d.status, "live", log.join("\n"));
    assert.ok(log.includes(`Fetched ${shownUrl} ${sha} at ${sha}`), log.join("\n"));
    await waitForApp(host, (x) => x.status === 200 && JSON.parse(x.body).version === "2");
    assert.equal(JSON.parse((await proxyGet(host)).body).version, "2");
  });

  it("refuses a bad signature, an unknown app and an unsigned delivery with 401, and deploys nothing", async () => {
    const before = await deploymentCount();
    const sha = git(["rev-parse", "HEAD"]);
    const bad = await deliver(appId, "push", { ref: "refs/heads/main", after: sha }, "not-the-secret");
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.message, "bad signature");
    assert.equal((await deliver(randomUUID(), "push", { ref: "refs/heads/main", after: sha }, "x")).status, 401);
    const unsigned = await fetch(stack.webUrl + routePath(ROUTES.repoWebhook.path, { appId }), {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "push", "x-forwarded-for": fakeIp() },
      body: JSON.stringify({ ref: "refs/heads/main", after: sha }),
    });
    assert.equal(unsigned.status, 401);
    assert.equal(await deploymentCount(), before);
  });

  it("ignores a push to another branch", async () => {
    const rotated = await call("rotateWebhookSecret", { cookie: dev.cookie, params: { team, app } });
    const before = await deploymentCount();
    const r = await deliver(appId, "push", { ref: "refs/heads/feature", after: "a".repeat(40) }, rotated.body.secret);
    assert.equal(r.status, 202);
    assert.deepEqual(r.body, { ignored: "not the deploy branch" });
    assert.equal(await deploymentCount(), before);
  });

  it("reports a ref that is not in the repository as a failed build", async () => {
    const r = await call("deployRepository", { cookie: dev.cookie, params: { team, app }, body: { ref: "no-such-branch" } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const d = await waitForDeployment({ cookie: dev.cookie }, team, app, r.body.id);
    assert.equal(d.status, "failed");
    const log = await deploymentLog({ cookie: dev.cookie }, team, app, r.body.id);
    assert.ok(
      log.some((l) => l.includes(`could not fetch no-such-branch from ${shownUrl}: `)),
      log.join("\n"),
    );
    assert.equal(JSON.parse((await proxyGet(host)).body).version, "2");
  });

  it("refuses a ref that is an option", async () => {
    const r = await call("deployRepository", { cookie: dev.cookie, params: { team, app }, body: { ref: "--upload-pack=touch /tmp/x" } });
    assert.equal(r.status, 400);
  });
});
