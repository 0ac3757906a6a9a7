// Deploys end to end on the real stack: an upload is built through the Engine API, pushed to
// Berth's registry, released, started on a host, health-checked and switched in the proxy.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import {
  appHost,
  deploymentLog,
  dockerFor,
  dockerInspect,
  followDeployment,
  proxyGet,
  publishAddressOf,
  requestLoop,
  tarOf,
  uploadBuild,
  waitForApp,
  waitForDeployment,
} from "./deploys.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/node-http");
let dev: TestUser;
let team: string;
const app = "web";
let host: string;

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
  host = appHost(app, team);
  const created = await call("createApp", {
    cookie: dev.cookie,
    params: { team },
    body: { name: app, config: { port: 8080, healthCheck: { type: "http", path: "/healthz", timeoutS: 2, attempts: 40, intervalMs: 250 } } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(async () => {
  if (!dev) return; // before() failed: nothing was made
  await call("deleteApp", { cookie: dev.cookie, params: { team, app } });
});

test("an app from source: build, release, zero-downtime redeploy, failed health check, rollback", async (t) => {
  let v1: string;
  let first: string;
  let redeploy: string;
  await t.test("deploys examples/node-http from an uploaded context and serves it at its URL", async () => {
    const up = await uploadBuild({ cookie: dev.cookie }, team, app, tarOf(EXAMPLE));
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.equal(up.body.kind, "build");
    first = up.body.id;
    // Followed as the CLI does: the log streams until the record with the outcome.
    const followed = await followDeployment({ cookie: dev.cookie }, team, app, up.body.id);
    const done = await waitForDeployment({ cookie: dev.cookie }, team, app, up.body.id);
    const log = await deploymentLog({ cookie: dev.cookie }, team, app, up.body.id);
    assert.equal(done.status, "live", `${done.reason}\n${log.join("\n")}`);
    assert.equal(done.releaseVersion, 1);
    assert.deepEqual(followed.end, { status: "live", reason: null, releaseVersion: 1 });
    assert.deepEqual(
      followed.lines.map((l) => l.text),
      log.slice(0, followed.lines.length),
      "the streamed lines are the log's, in order, each once",
    );
    assert.ok(
      followed.lines.some((l) => /Switched .* to v1/.test(l.text)),
      "it streamed up to the switch",
    );
    assert.ok(
      log.some((l) => /Step \d+\/\d+ : FROM/.test(l)),
      "the build output is in the deployment's log",
    );
    const r = await waitForApp(host, (x) => x.status === 200);
    assert.deepEqual(JSON.parse(r.body), { app: "node-http", version: "1" });
    const got = await call("getApp", { cookie: dev.cookie, params: { team, app } });
    assert.equal(got.body.liveRelease.version, 1);
    assert.match(got.body.liveRelease.imageRef, new RegExp(`/${team}/${app}@sha256:[a-f0-9]{64}$`));
    assert.equal(got.body.url, `http://${host}:${stack.proxyPort}`);
    v1 = got.body.liveRelease.imageRef;
  });

  await t.test("the replica runs with limits, no privileges and a port on its host's address only", async () => {
    const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } });
    assert.equal(list.status, 200);
    assert.equal(list.body.containers.length, 1);
    const c = list.body.containers[0];
    const info = dockerInspect(c.hostId, c.name);
    assert.equal(info.HostConfig.Memory, 256 * 1024 * 1024);
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);
    assert.equal(info.HostConfig.PidsLimit, 512);
    assert.equal(info.HostConfig.Privileged, false);
    assert.deepEqual(info.HostConfig.CapDrop, ["ALL"]);
    assert.ok(info.HostConfig.SecurityOpt.includes("no-new-privileges:true"));
    assert.equal(info.Config.Labels["berth.app"], app);
    assert.equal(info.Config.Labels["berth.team"], team);
    assert.equal(info.Config.Labels["berth.release"], "1");
    const bindings = Object.values(info.NetworkSettings.Ports).flat() as { HostIp: string }[];
    const address = publishAddressOf(c.hostId);
    assert.ok(bindings.length > 0 && bindings.every((b) => b.HostIp === address), `published on ${address} only: ${JSON.stringify(bindings)}`);
    // Joined by the network's id (a name could be ambiguous on the Engine), the team's network.
    const network = info.NetworkSettings.Networks[`berth_net_${info.Config.Labels["berth.team-id"]}`];
    assert.ok(network, `on the team's network: ${JSON.stringify(Object.keys(info.NetworkSettings.Networks))}`);
    assert.equal(info.HostConfig.NetworkMode, network.NetworkID);
  });

  await t.test("a redeploy while requests loop through the proxy for 10 s fails none of them", async () => {
    const stopAt = new Promise((resolve) => setTimeout(resolve, 10_000));
    const loop = requestLoop(host, { clients: 4, maxMs: 12_000, until: stopAt });
    await new Promise((r) => setTimeout(r, 1_000));
    const env = await call("setEnv", { cookie: dev.cookie, params: { team, app }, body: { set: { APP_VERSION: { value: "2" } } } });
    assert.equal(env.status, 200, JSON.stringify(env.body));
    const deployment: { id: string } | null = env.body.deployment;
    assert.ok(deployment, "a config change of a live app deploys");
    redeploy = deployment.id;
    const done = await waitForDeployment({ cookie: dev.cookie }, team, app, deployment.id, 60_000);
    assert.equal(done.status, "live", done.reason);
    const result = await loop;
    assert.ok(result.total > 100, `only ${result.total} requests`);
    assert.equal(result.failed, 0, `${result.failed} of ${result.total} failed: ${result.failures.join("; ")}`);
    const versions = [...result.bodies.keys()].map((b) => JSON.parse(b).version).sort();
    assert.deepEqual([...new Set(versions)], ["1", "2"], "both versions answered during the loop");
    const r = await proxyGet(host);
    assert.equal(JSON.parse(r.body).version, "2");
    t.diagnostic(`zero-downtime redeploy: ${result.total} requests, ${result.failed} failed`);
  });

  await t.test("after the redeploy only the serving deployment says live; the first one says replaced", async () => {
    const list = await call("listDeployments", { cookie: dev.cookie, params: { team, app } });
    assert.equal(list.status, 200);
    const byId = new Map<string, { status: string; reason: string | null; releaseVersion: number | null }>(
      list.body.deployments.map((d: { id: string }) => [d.id, d]),
    );
    assert.deepEqual(
      list.body.deployments.filter((d: { status: string }) => d.status === "live").map((d: { id: string }) => d.id),
      [redeploy],
    );
    assert.equal(byId.get(first)?.status, "replaced");
    assert.equal(byId.get(first)?.releaseVersion, 1, "it keeps the release it served");
    assert.equal(byId.get(first)?.reason, `replaced by deployment ${redeploy.slice(0, 8)}`);
    const got = await call("getApp", { cookie: dev.cookie, params: { team, app } });
    assert.equal(got.body.liveRelease.version, 2, "the app's live release is the serving deployment's");
    // Following the first one now ends at once, with what it is now.
    const followed = await followDeployment({ cookie: dev.cookie }, team, app, first, { timeoutMs: 10_000 });
    assert.deepEqual(followed.end, { status: "replaced", reason: `replaced by deployment ${redeploy.slice(0, 8)}`, releaseVersion: 1 });
  });

  await t.test("a release whose health check fails leaves the old one serving and says why", async () => {
    const upd = await call("updateApp", {
      cookie: dev.cookie,
      params: { team, app },
      body: { config: { healthCheck: { type: "http", path: "/missing", timeoutS: 1, attempts: 3, intervalMs: 200 } } },
    });
    assert.equal(upd.status, 200, JSON.stringify(upd.body));
    const done = await waitForDeployment({ cookie: dev.cookie }, team, app, upd.body.deployment.id, 60_000);
    assert.equal(done.status, "failed");
    assert.match(done.reason, /health check failed.*404/);
    const r = await proxyGet(host);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).version, "2", "the previous release still serves");
    const got = await call("getApp", { cookie: dev.cookie, params: { team, app } });
    assert.equal(got.body.liveRelease.version, 2);
    const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } });
    assert.equal(list.body.containers.length, 1, "the unhealthy replica was removed");
    // Put the good health check back (a new release of v2's image).
    const fix = await call("updateApp", {
      cookie: dev.cookie,
      params: { team, app },
      body: { config: { healthCheck: { type: "http", path: "/healthz", timeoutS: 2, attempts: 40, intervalMs: 250 } } },
    });
    assert.equal((await waitForDeployment({ cookie: dev.cookie }, team, app, fix.body.deployment.id, 60_000)).status, "live");
  });

  await t.test("rolls back to v1 without rebuilding", async () => {
    const images = () => execFileSync("docker", [...dockerFor(""), "images", "-q"]).toString();
    const builds = images();
    const rb = await call("rollback", { cookie: dev.cookie, params: { team, app, version: "1" } });
    assert.equal(rb.status, 201, JSON.stringify(rb.body));
    assert.equal(rb.body.kind, "rollback");
    const done = await waitForDeployment({ cookie: dev.cookie }, team, app, rb.body.id, 60_000);
    assert.equal(done.status, "live", done.reason);
    assert.equal(done.releaseVersion, 1);
    const r = await waitForApp(host, (x) => x.status === 200 && JSON.parse(x.body).version === "1");
    assert.equal(JSON.parse(r.body).version, "1");
    const log = await deploymentLog({ cookie: dev.cookie }, team, app, rb.body.id);
    assert.ok(!log.some((l) => /^Step \d+/.test(l)), "no build step ran");
    assert.equal(images(), builds, "no image was built on the build engine");
    const got = await call("getApp", { cookie: dev.cookie, params: { team, app } });
    assert.equal(got.body.liveRelease.imageRef, v1);
    const list = await call("listDeployments", { cookie: dev.cookie, params: { team, app } });
    assert.deepEqual(
      list.body.deployments.filter((d: { status: string }) => d.status === "live").map((d: { id: string }) => d.id),
      [rb.body.id],
      "one live deployment: the rollback",
    );
  });
});
