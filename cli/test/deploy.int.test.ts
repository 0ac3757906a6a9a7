// `berth deploy` following a deployment to its end through the API's follow stream: the real
// executable, a real build and roll-out on the running stack, the output and exit codes it promises.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { runBerth } from "./run-cli.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/static-site");
const scratch = mkdtempSync(join(tmpdir(), "berth-cli-deploy-"));
let owner: TestUser;
let team: string;
let token: string;
const app = "site";

const berth = (args: string[]) => runBerth(scratch, args, token);

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
  token = (await call("createToken", { cookie: owner.cookie, body: { name: "cli", scopes: ["apps:deploy"] } })).body.secret;
  const created = await call("createApp", {
    cookie: owner.cookie,
    params: { team },
    body: { name: app, config: { port: 8080, memoryMb: 32, healthCheck: { type: "http", path: "/", timeoutS: 2, attempts: 40, intervalMs: 250 } } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(async () => {
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  rmSync(scratch, { recursive: true, force: true });
});

describe("berth deploy (following)", () => {
  let first = "";

  it("streams the build and deploy log and exits 0 once the deployment is live", async () => {
    const r = await berth(["deploy", `${team}/${app}`, "--dir", EXAMPLE]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    first = /Deployment ([0-9a-f-]{36}) \(build\) is/.exec(r.stderr)?.[1] ?? "";
    assert.ok(first, r.stderr);
    assert.match(r.stdout, /^Step 1\/\d+ : FROM /m, "the build's lines are streamed");
    assert.match(r.stdout, /^Switched .* to v1$/m, "and the deploy's");
    assert.ok(r.stdout.endsWith(`Deployment ${first} is live (release v1).\n`), r.stdout);
  });

  it("a second deploy goes live; the first one is then listed as replaced, the second as live", async () => {
    const r = await berth(["deploy", `${team}/${app}`, "--dir", EXAMPLE]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const second = /Deployment ([0-9a-f-]{36}) \(build\) is/.exec(r.stderr)?.[1] ?? "";
    assert.ok(r.stdout.endsWith(`Deployment ${second} is live (release v2).\n`), r.stdout);
    const list = await berth(["deployments", `${team}/${app}`]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${second.slice(0, 8)}\\s+build\\s+live\\s+v2\\s`, "m"));
    assert.match(list.stdout, new RegExp(`^${first.slice(0, 8)}\\s+build\\s+replaced\\s+v1\\s.*replaced by deployment ${second.slice(0, 8)}$`, "m"));
    // Following the first one now ends at once: it went live, and was replaced since.
    const old = await berth(["logs", `${team}/${app}`, "--build", first.slice(0, 8), "-f"]);
    assert.equal(old.code, 0, old.stderr);
    assert.ok(old.stdout.endsWith(`Deployment ${first} went live (release v1); a newer deployment has replaced it since.\n`), old.stdout);
  });

  it("exits 1 with the reason when the build fails, and the live release stays", async () => {
    const dir = mkdtempSync(join(scratch, "broken-"));
    writeFileSync(join(dir, "Dockerfile"), "FROM 127.0.0.1:5000/berth/busybox:latest\nRUN echo about to fail && false\n");
    const r = await berth(["deploy", `${team}/${app}`, "--dir", dir]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^about to fail$/m);
    assert.match(r.stderr, /ended failed: build failed: Step 2\/2 : RUN echo about to fail && false failed/);
    const got = await call("getApp", { cookie: owner.cookie, params: { team, app } });
    assert.equal(got.body.liveRelease.version, 2);
  });

  it("uploads a monorepo's build context and Dockerfile as the app's build settings name them", async () => {
    const config = {
      port: 8080,
      memoryMb: 32,
      healthCheck: { type: "http", path: "/", timeoutS: 2, attempts: 40, intervalMs: 250 },
      build: { context: "services/site", dockerfile: "docker/Dockerfile" },
    };
    const created = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "mono", config } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const repo = mkdtempSync(join(scratch, "mono-"));
    const site = join(repo, "services", "site");
    mkdirSync(join(site, "docker"), { recursive: true });
    cpSync(join(EXAMPLE, "index.html"), join(site, "index.html"));
    writeFileSync(join(site, "docker", "Dockerfile"), readFileSync(join(EXAMPLE, "Dockerfile")));
    // Outside the context: never needed, never sent (a root Dockerfile that would not build proves it is not the one used).
    writeFileSync(join(repo, "Dockerfile"), "FROM 127.0.0.1:5000/berth/busybox:latest\nRUN false\n");

    const r = await berth(["deploy", `${team}/mono`, "--dir", repo]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /is live \(release v1\)\.\n$/);
    const missing = await berth(["deploy", `${team}/mono`, "--dir", site]);
    assert.equal(missing.code, 2, `${missing.stdout}\n${missing.stderr}`);
    assert.match(missing.stderr, /has no services\/site\/docker\/Dockerfile/);
  });
});
