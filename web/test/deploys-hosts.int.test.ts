// Several hosts (two dockerd engines with a runtime-host each on this machine), drains,
// reconciliation, custom domains, commit, one-off commands with limits.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { call, signInAs, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import { appHost, dockerFor, proxyGet, requestLoop, waitForApp, waitForDeployment } from "./deploys.ts";

let dev: TestUser;
let admin: string;
let team: string;
const IMAGE = `${stack.registryHost}/berth/busybox:latest`;
// busybox httpd serving /etc: /passwd answers 200, and each replica tells its hostname via /hostname.
const httpd = {
  port: 8080,
  cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
  healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 20, intervalMs: 250 },
};

async function onlineHosts(): Promise<{ id: string; online: boolean; draining: boolean }[]> {
  const r = await call("listHosts", { cookie: admin });
  return r.body.hosts.filter((h: { online: boolean }) => h.online);
}

async function deployApp(name: string, config: Record<string, unknown>, image = IMAGE) {
  const r = await call("createApp", { cookie: dev.cookie, params: { team }, body: { name, image, config, deploy: true } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, name, r.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
  return done;
}

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
  admin = await signInAs(stack.adminEmail, stack.adminPassword);
});

after(async () => {
  if (!dev) return; // before() failed: nothing was made
  for (const h of await onlineHosts()) if (h.draining) await call("drainHost", { cookie: admin, params: { id: h.id }, body: { draining: false } });
  for (const a of ["spread", "restore", "domains", "commits", "committed", "oneoff"]) await call("deleteApp", { cookie: dev.cookie, params: { team, app: a } });
});

test("two replicas are spread over two hosts, and both serve through the proxy", async () => {
  const hosts = await onlineHosts();
  assert.ok(hosts.length >= 2, `two online hosts expected, found ${hosts.map((h) => h.id).join(", ")}`);
  await deployApp("spread", { ...httpd, replicas: 2 });
  const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "spread" } });
  const on = new Set(list.body.containers.map((c: { hostId: string }) => c.hostId));
  assert.equal(list.body.containers.length, 2);
  assert.equal(on.size, 2, `replicas on ${[...on].join(", ")}`);
  const seen = new Set<string>();
  for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await proxyGet(appHost("spread", team), "/hostname")).body.trim());
  assert.equal(seen.size, 2, "requests reach both replicas");
});

test("draining a host moves its replicas to the other host without a failed request", async (t) => {
  const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "spread" } });
  const drained = list.body.containers[0].hostId as string;
  const stopAt = new Promise((r) => setTimeout(r, 10_000));
  const loop = requestLoop(appHost("spread", team), { clients: 4, maxMs: 12_000, until: stopAt, path: "/passwd" });
  await new Promise((r) => setTimeout(r, 500));
  const d = await call("drainHost", { cookie: admin, params: { id: drained }, body: { draining: true } });
  assert.equal(d.status, 200, JSON.stringify(d.body));
  assert.equal(d.body.draining, true);
  const until = Date.now() + 60_000;
  let now: { hostId: string }[] = [];
  while (Date.now() < until) {
    now = (await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "spread" } })).body.containers;
    if (now.length === 2 && now.every((c) => c.hostId !== drained)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(now.length === 2 && now.every((c) => c.hostId !== drained), `after the drain: ${JSON.stringify(now)}`);
  const result = await loop;
  assert.ok(result.total > 100, `only ${result.total} requests`);
  assert.equal(result.failed, 0, `${result.failed} of ${result.total} failed: ${result.failures.join("; ")}`);
  t.diagnostic(`drain under load: ${result.total} requests, ${result.failed} failed`);
  const u = await call("drainHost", { cookie: admin, params: { id: drained }, body: { draining: false } });
  assert.equal(u.body.draining, false);
});

test("a replica that disappears behind Berth's back is started again by the host's reconciliation", async () => {
  await deployApp("restore", httpd);
  const [c] = (await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "restore" } })).body.containers;
  execFileSync("docker", [...dockerFor(c.hostId), "rm", "-f", c.name]);
  // The runtime-host reports its containers every BERTH_INVENTORY_MS (30 s by default).
  const r = await waitForApp(appHost("restore", team), (x) => x.status === 200, 90_000, "/passwd");
  assert.equal(r.status, 200);
  const again = (await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "restore" } })).body.containers;
  assert.equal(again.length, 1, "no duplicate");
  assert.equal(again[0].name, c.name);
  assert.equal(again[0].state, "running");
});

test("a custom domain serves the app too, and stops serving it once removed", async () => {
  await deployApp("domains", httpd);
  const custom = `shop-${team}.example.test`;
  const add = await call("addDomain", { cookie: dev.cookie, params: { team, app: "domains" }, body: { hostname: custom } });
  assert.equal(add.status, 201, JSON.stringify(add.body));
  await waitForApp(custom, (x) => x.status === 200, 10_000, "/passwd");
  const del = await call("removeDomain", { cookie: dev.cookie, params: { team, app: "domains", hostname: custom } });
  assert.equal(del.status, 204);
  const gone = await waitForApp(custom, (x) => x.status === 503, 10_000, "/passwd");
  assert.match(gone.body, /No app/i);
});

test("a container committed to a new image runs as another app", async () => {
  await deployApp("commits", httpd);
  const [c] = (await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "commits" } })).body.containers;
  const tag = `c${Date.now()}`;
  const commit = await call("commitContainer", { cookie: dev.cookie, params: { team, id: c.id }, body: { repository: "snap", tag } });
  assert.equal(commit.status, 201, JSON.stringify(commit.body));
  assert.equal(commit.body.image, `${stack.registryHost}/${team}/snap:${tag}`);
  await deployApp("committed", httpd, commit.body.image);
  await waitForApp(appHost("committed", team), (x) => x.status === 200, 10_000, "/passwd");
});

test("a one-off command that allocates past the app's memory limit is OOM-killed and reported so", async () => {
  await deployApp("oneoff", { ...httpd, memoryMb: 32 });
  const ok = await call("runCommand", { cookie: dev.cookie, params: { team, app: "oneoff" }, body: { cmd: ["sh", "-c", "echo hello from $BERTH_APP"] } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.exitCode, 0);
  assert.match(ok.body.output, /hello from oneoff/);
  // busybox: a 200 MB string in the shell's memory, past the 32 MB limit.
  const oom = await call("runCommand", {
    cookie: dev.cookie,
    params: { team, app: "oneoff" },
    body: { cmd: ["sh", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo done"], timeoutS: 60 },
  });
  assert.equal(oom.status, 200, JSON.stringify(oom.body));
  assert.equal(oom.body.oomKilled, true, JSON.stringify(oom.body));
});
