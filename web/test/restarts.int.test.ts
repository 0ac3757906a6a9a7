// Routes follow restarts (issue 16), on the real stack: a replica whose process exits by itself is
// restarted by the Engine (restart policy) on the host port the agent chose for it, so the proxy's
// route stays right and the app serves again through Caddy as soon as the replica answers.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import http from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { appHost, dockerFor, dockerInspect, proxyGet, publishAddressOf, tarOf, uploadBuild, waitForApp, waitForDeployment } from "./deploys.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/node-http");
const app = "crashy";
let dev: TestUser;
let team: string;

// Serves until /tmp/die exists, then exits 1 (the Engine restarts it; the flag is cleared at start).
const CRASHY = [
  "FROM 127.0.0.1:5000/berth/busybox:latest",
  `CMD ["sh", "-c", "rm -f /tmp/die; mkdir -p /tmp/www; echo ok > /tmp/www/index.html; echo ok > /tmp/www/healthz; httpd -p 8080 -h /tmp/www; while [ ! -f /tmp/die ]; do sleep 0.1; done; exit 1"]`,
  "",
].join("\n");

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
  const created = await call("createApp", {
    cookie: dev.cookie,
    params: { team },
    body: { name: app, config: { port: 8080, healthCheck: { type: "http", path: "/healthz", timeoutS: 2, attempts: 40, intervalMs: 250 } } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(async () => {
  if (!dev) return;
  await call("deleteApp", { cookie: dev.cookie, params: { team, app } });
});

/** GET straight at a replica's published port (not through the proxy). */
function direct(address: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: address, port, path: "/", timeout: 1_000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a replica that exits by itself is restarted on the same host port and serves through the proxy within 2 s of answering", async (t) => {
  const up = await uploadBuild({ cookie: dev.cookie }, team, app, tarOf(EXAMPLE, { Dockerfile: CRASHY }));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, app, up.body.id, 180_000);
  assert.equal(done.status, "live", done.reason);
  const host = appHost(app, team);
  await waitForApp(host, (r) => r.status === 200);

  const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } });
  assert.equal(list.status, 200);
  assert.equal(list.body.containers.length, 1);
  const row = list.body.containers[0] as { name: string; hostId: string };
  const before = dockerInspect(row.hostId, row.name);
  const port = Number(before.NetworkSettings.Ports["8080/tcp"][0].HostPort);
  const address = publishAddressOf(row.hostId);
  assert.equal(before.HostConfig.PortBindings["8080/tcp"][0].HostPort, String(port), "the host port is named in the container's config");

  execFileSync("docker", [...dockerFor(row.hostId), "exec", row.name, "touch", "/tmp/die"]);
  // Bounded: the Engine restarts it (restart count goes up) and it answers on its port again.
  let answeredAt = 0;
  for (const until = Date.now() + 30_000; Date.now() < until; ) {
    const info = dockerInspect(row.hostId, row.name);
    if (info.RestartCount > before.RestartCount && info.State.Running && (await direct(address, port)) === 200) {
      answeredAt = Date.now();
      break;
    }
    await sleep(50);
  }
  assert.ok(answeredAt, "the Engine restarted the replica and it answers on the same host port");
  const after = dockerInspect(row.hostId, row.name);
  assert.equal(after.NetworkSettings.Ports["8080/tcp"][0].HostPort, String(port), "the restart kept the host port");

  let servedAt = 0;
  let last = "";
  for (const until = answeredAt + 10_000; Date.now() < until; ) {
    try {
      const r = await proxyGet(host, "/", { timeoutMs: 1_000 });
      last = `${r.status}`;
      if (r.status === 200) {
        servedAt = Date.now();
        break;
      }
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(50);
  }
  assert.ok(servedAt, `the proxy never served the restarted replica; last: ${last}`);
  t.diagnostic(`served through the proxy ${servedAt - answeredAt} ms after the replica answered again`);
  // The bound is 2 s; a second of margin for a loaded machine.
  assert.ok(servedAt - answeredAt < 3_000, `served through the proxy ${servedAt - answeredAt} ms after the replica answered`);
});
