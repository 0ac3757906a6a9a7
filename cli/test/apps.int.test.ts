// `berth apps`, `env`, `domains`, `scale`, `deploy --dir` and friends: the real executable
// against the running stack, with the output and exit codes it promises. Deployments are only
// queued here; whether they go live is the worker's business (web/test/deploys*.int.test.ts).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, rand, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { stack } from "../../web/test/config.ts";
import { runBerth } from "./run-cli.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/static-site");
const DOMAIN = stack.domain;
const PROXY_PORT = stack.proxyPort;
const scratch = mkdtempSync(join(tmpdir(), "berth-cli-apps-"));
let owner: TestUser;
let viewer: TestUser;
let team: string;
let ownerToken: string;
let viewerToken: string;

const berth = (args: string[], token = ownerToken) => runBerth(scratch, args, token);

const tokenFor = async (u: TestUser) => (await call("createToken", { cookie: u.cookie, body: { name: "cli", scopes: ["admin"] } })).body.secret as string;

before(async () => {
  [owner, viewer] = await Promise.all([signUp(), signUp()]);
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  [ownerToken, viewerToken] = await Promise.all([tokenFor(owner), tokenFor(viewer)]);
});

after(async () => {
  await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  rmSync(scratch, { recursive: true, force: true });
});

describe("berth apps", () => {
  it("creates an app from an image with its settings, and shows it", async () => {
    const created = await berth([
      "apps",
      "create",
      team,
      "web",
      "--image",
      `${stack.registryHost}/berth/busybox:latest`,
      "--port",
      "9000",
      "--replicas",
      "2",
      "--memory",
      "64",
      "--cpus",
      "0.25",
      "--health-path",
      "/healthz",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const url = `http://web-${team}.${DOMAIN}${PROXY_PORT === 80 ? "" : `:${PROXY_PORT}`}`;
    assert.equal(created.stdout, `Created app ${team}/web; it will be served at ${url}\n`);

    const shown = await berth(["apps", "show", team, "web"], viewerToken);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^App:\\s+${team}/web$`, "m"));
    assert.match(shown.stdout, new RegExp(`^URL:\\s+${url.replace(/\./g, "\\.")}$`, "m"));
    assert.match(shown.stdout, new RegExp(`^Source:\\s+image ${stack.registryHost.replace(/\./g, "\\.")}/berth/busybox:latest$`, "m"));
    assert.match(shown.stdout, /^Replicas:\s+2$/m);
    assert.match(shown.stdout, /^Limits:\s+64 MiB, 0\.25 CPU$/m);
    assert.match(shown.stdout, /^Health check:\s+HTTP GET \/healthz$/m);
    assert.match(shown.stdout, /^Live release:\s+none$/m);

    const json = await berth(["apps", "show", team, "web", "--json"]);
    assert.equal(JSON.parse(json.stdout).config.port, 9000);
  });

  it("lists the team's apps as a table and as JSON", async () => {
    const table = await berth(["apps", "list", team], viewerToken);
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.trimEnd().split("\n");
    assert.match(header ?? "", /^NAME\s+SOURCE\s+IMAGE\s+REPLICAS\s+LIVE\s+LAST DEPLOY\s+URL$/);
    assert.ok(
      rows.some((r) => /^web\s+image\s+\S+busybox:latest\s+2\s+-\s+never deployed\s+http:/.test(r)),
      table.stdout,
    );
    const json = await berth(["apps", "list", team, "--json"]);
    assert.deepEqual(
      JSON.parse(json.stdout).apps.map((a: { name: string }) => a.name),
      ["web"],
    );
  });

  it("refuses what the API refuses, with its exit codes", async () => {
    const dup = await berth(["apps", "create", team, "web"]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already has an app named "web"/);
    const bad = await berth(["apps", "create", team, "Bad_Name"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: invalid body: name:/);
    assert.equal((await berth(["apps", "create", team, `v-${rand()}`], viewerToken)).code, 4);
    assert.equal((await berth(["apps", "show", team, "nope"])).code, 5);
    const usage = await berth(["apps", "create", team, "x2", "--deploy"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--deploy needs --image/);
  });
});

describe("berth env, scale, domains", () => {
  it("sets plain and secret values, never prints secrets, and unsets", async () => {
    const set = await berth(["env", `${team}/web`, "set", "GREETING=hello world", "MODE=prod"]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^GREETING\s+hello world$/m);
    assert.match(set.stderr, /Takes effect with the next deployment\./);

    const secret = `s-${rand()}-${rand()}`;
    const sec = await berth(["env", `${team}/web`, "set", `TOKEN=${secret}`, "--secret"]);
    assert.equal(sec.code, 0, sec.stderr);
    assert.match(sec.stdout, /^TOKEN\s+<secret>$/m);
    const listed = await berth(["env", `${team}/web`], viewerToken);
    assert.equal(listed.code, 0, listed.stderr);
    const json = await berth(["apps", "show", team, "web", "--json"]);
    for (const out of [sec.stdout, listed.stdout, json.stdout]) assert.ok(!out.includes(secret), "the secret is never printed");

    const unset = await berth(["env", `${team}/web`, "unset", "MODE"]);
    assert.equal(unset.code, 0, unset.stderr);
    assert.doesNotMatch(unset.stdout, /^MODE/m);
    assert.equal((await berth(["env", `${team}/web`, "GREETING=x"])).code, 2);
    assert.equal((await berth(["env", `${team}/web`, "set", "PORT=1"])).code, 1);
  });

  it("scales an app", async () => {
    const r = await berth(["scale", `${team}/web`, "3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${team}/web runs 3 replica(s). Takes effect with the next deployment.\n`);
  });

  it("adds, lists and removes custom domains", async () => {
    const host = `shop-${rand()}.example.test`;
    const added = await berth(["domains", `${team}/web`, "add", host]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, new RegExp(`^${host.replace(/\./g, "\\.")}$`, "m"));
    const listed = await berth(["domains", `${team}/web`], viewerToken);
    assert.match(listed.stdout, /\(default\)\n/);
    assert.ok(listed.stdout.includes(host));
    const loopback = await berth(["domains", `${team}/web`, "add", "x.localhost"]);
    assert.equal(loopback.code, 1);
    const removed = await berth(["domains", `${team}/web`, "remove", host]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.ok(!removed.stdout.includes(host));
    assert.equal((await berth(["domains", `${team}/web`, "remove", host])).code, 5);
    assert.equal((await berth(["domains", `${team}/web`, "drop", host])).code, 2);
  });
});

describe("berth deploy and friends", () => {
  it("uploads a directory as a build and queues its deployment (--detach)", async () => {
    await berth(["apps", "create", team, "site"]);
    const dir = mkdtempSync(join(scratch, "ctx-"));
    writeFileSync(join(dir, "Dockerfile"), "FROM 127.0.0.1:5000/berth/busybox:latest\n");
    const r = await berth(["deploy", `${team}/site`, "--dir", EXAMPLE, "--detach"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Uploading the build context \([\d.]+ (B|KiB)/);
    // The worker may have picked it up before the answer was written.
    assert.match(r.stderr, /Deployment [0-9a-f-]{36} \(build\) is (queued|building)\./);
    const list = await berth(["deployments", `${team}/site`], viewerToken);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^[0-9a-f]{8}\s+build\s+/m);
    assert.equal((await berth(["deploy", `${team}/site`, "--dir", join(scratch, "missing")])).code, 2);
    assert.equal((await berth(["deploy", `${team}/site`, "--dir", dir, "--image", `${stack.registryHost}/x/y`])).code, 2);
  });

  it("says when there is nothing to deploy, run or roll back", async () => {
    const none = await berth(["deploy", `${team}/site`, "--detach"]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /has no image/);
    const run = await berth(["run", `${team}/web`, "--", "echo", "hi"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no live release/);
    assert.equal((await berth(["rollback", `${team}/web`, "v9"])).code, 5);
    const releases = await berth(["releases", `${team}/web`]);
    assert.equal(releases.stdout, `${team}/web has no releases yet.\n`);
    assert.equal((await berth(["containers", team, "--app", "web"])).stdout, "No containers.\n");
  });

  it("deletes an app only with --yes", async () => {
    assert.equal((await berth(["apps", "delete", team, "site"])).code, 2);
    const r = await berth(["apps", "delete", team, "site", "--yes"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await berth(["apps", "show", team, "site"])).code, 5);
  });
});
