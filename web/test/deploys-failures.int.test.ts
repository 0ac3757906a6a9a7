// What goes wrong in a deploy ends visibly and never stuck: a broken Dockerfile names its step,
// a running build can be cancelled, and a worker killed mid-build (SIGKILL) leaves no deployment
// "running": the reaper fails it, the supervisor restarts the worker, the next deploy works.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { appHost, deploymentLog, tarOf, uploadBuild, waitForApp, waitForDeployment } from "./deploys.ts";

const ROOT = join(import.meta.dirname, "../..");
const EXAMPLE = join(ROOT, "examples/node-http");
let dev: TestUser;
let team: string;

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
  for (const name of ["broken", "slow", "killed"]) {
    const r = await call("createApp", {
      cookie: dev.cookie,
      params: { team },
      body: { name, config: { healthCheck: { type: "http", path: "/healthz", timeoutS: 2, attempts: 40, intervalMs: 250 } } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
});

after(async () => {
  if (!dev) return; // before() failed: nothing was made
  for (const app of ["broken", "slow", "killed"]) await call("deleteApp", { cookie: dev.cookie, params: { team, app } });
});

const slowDockerfile = (marker: string) => `FROM 127.0.0.1:5000/berth/busybox:latest\nRUN echo ${marker} && sleep 120\nCMD ["httpd","-f","-p","8080"]\n`;

test("a failing Dockerfile step fails the deploy and names the step", async () => {
  const marker = `m${Date.now()}`;
  const up = await uploadBuild(
    { cookie: dev.cookie },
    team,
    "broken",
    tarOf(EXAMPLE, { Dockerfile: `FROM 127.0.0.1:5000/berth/busybox:latest\nRUN echo ${marker}\nRUN exit 3\n` }),
  );
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, "broken", up.body.id, 120_000);
  assert.equal(done.status, "failed");
  assert.match(done.reason, /Step 3\/3 : RUN exit 3/);
  assert.match(done.reason, /non-zero code: 3/);
  const log = await deploymentLog({ cookie: dev.cookie }, team, "broken", up.body.id);
  assert.ok(
    log.some((l) => l.includes(marker)),
    "the build output before the failure is in the log",
  );
  const got = await call("getApp", { cookie: dev.cookie, params: { team, app: "broken" } });
  assert.equal(got.body.liveRelease, null);
});

test("a FROM of an image in a registry the outbound policy refuses names the instruction and the policy", async () => {
  // A private address nobody allowed: refused before any request is sent.
  const up = await uploadBuild({ cookie: dev.cookie }, team, "broken", tarOf(EXAMPLE, { Dockerfile: "FROM 10.231.0.251:5000/library/nginx:1.27\n" }));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, "broken", up.body.id, 120_000);
  assert.equal(done.status, "failed");
  assert.match(done.reason, /^build failed: FROM 10\.231\.0\.251:5000\/library\/nginx:1\.27: refused: .*a private address/);
});

test("cancelling a running build stops it and ends the deploy cancelled", async (t) => {
  const up = await uploadBuild({ cookie: dev.cookie }, team, "slow", tarOf(EXAMPLE, { Dockerfile: slowDockerfile(`c${Date.now()}`) }));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  // Wait until the build is really running (its RUN step printed).
  const until = Date.now() + 60_000;
  while (!(await deploymentLog({ cookie: dev.cookie }, team, "slow", up.body.id)).some((l) => /sleep 120/.test(l))) {
    assert.ok(Date.now() < until, "the build never reached its slow step");
    await new Promise((r) => setTimeout(r, 200));
  }
  const t0 = Date.now();
  const c = await call("cancelDeployment", { cookie: dev.cookie, params: { team, app: "slow", id: up.body.id } });
  assert.equal(c.status, 200, JSON.stringify(c.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, "slow", up.body.id, 30_000);
  assert.equal(done.status, "cancelled", done.reason);
  const ms = Date.now() - t0;
  assert.ok(ms < 15_000, `cancel took ${ms} ms`);
  t.diagnostic(`cancel of a running build: cancelled ${ms} ms after the request`);
  const again = await call("cancelDeployment", { cookie: dev.cookie, params: { team, app: "slow", id: up.body.id } });
  assert.equal(again.status, 409, "a finished deployment cannot be cancelled");
});

test("a worker killed in the middle of a build: the deployment ends failed within 60 s, and the next deploy works", async (t) => {
  const up = await uploadBuild({ cookie: dev.cookie }, team, "killed", tarOf(EXAMPLE, { Dockerfile: slowDockerfile(`k${Date.now()}`) }));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const until = Date.now() + 60_000;
  while (!(await deploymentLog({ cookie: dev.cookie }, team, "killed", up.body.id)).some((l) => /sleep 120/.test(l))) {
    assert.ok(Date.now() < until, "the build never reached its slow step");
    await new Promise((r) => setTimeout(r, 200));
  }
  // The supervisor (infra/services/berth.sh) runs the worker as a child and restarts it.
  const pidFile = join(ROOT, ".berth/run/worker-child.pid");
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  process.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  const done = await waitForDeployment({ cookie: dev.cookie }, team, "killed", up.body.id, 60_000);
  const seconds = (Date.now() - killedAt) / 1000;
  assert.equal(done.status, "failed");
  assert.match(done.reason, /worker .*stopped/);
  assert.ok(seconds <= 60, `ended after ${seconds} s`);
  t.diagnostic(`worker SIGKILLed mid-build: deployment failed ${seconds.toFixed(1)} s later`);
  // A new worker child runs, and the next deploy of the same app works.
  const newPid = Number(readFileSync(pidFile, "utf8").trim());
  assert.notEqual(newPid, pid);
  const next = await uploadBuild({ cookie: dev.cookie }, team, "killed", tarOf(EXAMPLE));
  const ok = await waitForDeployment({ cookie: dev.cookie }, team, "killed", next.body.id, 120_000);
  assert.equal(ok.status, "live", ok.reason);
  await waitForApp(appHost("killed", team), (r) => r.status === 200);
});
