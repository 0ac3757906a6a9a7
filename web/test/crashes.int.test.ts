// Every crash visible (issue 16), on the real stack: a replica killed for memory is restarted by the
// Engine, and the agent's watcher on the Engine's event stream reports it: the API (and so the CLI and
// the dashboard) shows the OOM kill with its limit, the exit code, the restart count and the last start,
// the app's log has a Berth line saying so, and the team's webhook gets a signed app.crashed event.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { appHost, dockerFor, tarOf, uploadBuild, waitForApp, waitForDeployment } from "./deploys.ts";
import { allowOutbound } from "./outbound.ts";

const EXAMPLE = join(import.meta.dirname, "../../examples/node-http");
const app = "hungry";
let dev: TestUser;
let team: string;

// Serves until /tmp/eat exists, then reads ~100 MB into a shell variable (past its 32 MiB limit).
const HUNGRY = [
  "FROM 127.0.0.1:5000/berth/busybox:latest",
  `CMD ["sh", "-c", "rm -f /tmp/eat; mkdir -p /tmp/www; echo ok > /tmp/www/index.html; echo ok > /tmp/www/healthz; httpd -p 8080 -h /tmp/www; while [ ! -f /tmp/eat ]; do sleep 0.1; done; x=$(head -c 100000000 /dev/zero | tr '\\\\0' a); echo survived \${#x}"]`,
  "",
].join("\n");

type Received = { headers: Record<string, string | string[] | undefined>; body: string };
const received: Received[] = [];
let server: Server | undefined;
let allowance: { restore: () => Promise<void> } | undefined;
let secret = "";

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
  // A webhook receiver on 127.0.0.1, allowed through the outbound policy by that address and port.
  const listener = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  server = listener;
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const port = (listener.address() as { port: number }).port;
  allowance = await allowOutbound(await signIn(stack.adminEmail, stack.adminPassword), [`127.0.0.1:${port}`]);
  const hook = await call("createWebhook", { cookie: dev.cookie, params: { team }, body: { url: `http://127.0.0.1:${port}/hook`, events: ["app.crashed"] } });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  secret = hook.body.secret;
  const created = await call("createApp", {
    cookie: dev.cookie,
    params: { team },
    body: { name: app, config: { port: 8080, memoryMb: 32, healthCheck: { type: "http", path: "/healthz", timeoutS: 2, attempts: 40, intervalMs: 250 } } },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
});

after(async () => {
  await allowance?.restore();
  server?.close();
  if (!dev) return;
  await call("deleteApp", { cookie: dev.cookie, params: { team, app } });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("a replica killed for memory: the API shows the OOM kill, its limit, exit code and restart count within 5 s; the app's log says so and a signed app.crashed webhook is sent", async (t) => {
  const up = await uploadBuild({ cookie: dev.cookie }, team, app, tarOf(EXAMPLE, { Dockerfile: HUNGRY }));
  assert.equal(up.status, 201, JSON.stringify(up.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, app, up.body.id, 180_000);
  assert.equal(done.status, "live", done.reason);
  await waitForApp(appHost(app, team), (r) => r.status === 200);
  const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } });
  assert.equal(list.status, 200);
  const first = list.body.containers[0];
  assert.equal(first.restartCount, 0);
  assert.equal(first.oomKilled, false);

  const killedAt = Date.now();
  execFileSync("docker", [...dockerFor(first.hostId), "exec", first.name, "touch", "/tmp/eat"]);
  // Bounded: 5 s from the kill (which comes after the touch) for the whole report.
  let shown: typeof first | undefined;
  while (Date.now() < killedAt + 5_000) {
    const r = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } });
    const c = r.body.containers.find((x: { id: string }) => x.id === first.id);
    // Shown once the restart's start is recorded too.
    if (c?.oomKilled && c.restartCount >= 1 && c.lastExitAt && c.lastStartedAt && Date.parse(c.lastStartedAt) >= Date.parse(c.lastExitAt)) {
      shown = c;
      break;
    }
    await sleep(100);
  }
  const last = (await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } })).body.containers[0];
  assert.ok(shown, `the OOM kill was not shown within 5 s: ${JSON.stringify(last)}`);
  t.diagnostic(`shown by the API ${Date.now() - killedAt} ms after the allocation began`);
  assert.equal(shown.lastExitCode, 137);
  assert.equal(shown.memoryLimitMb, 32);
  assert.equal(shown.restartCount, 1);
  assert.ok(Date.parse(shown.lastExitAt) >= killedAt - 1_000, "the exit is this one");
  assert.ok(Date.parse(shown.lastStartedAt) >= Date.parse(shown.lastExitAt), "started again after the exit");

  const wanted = new RegExp(
    `^\\[berth\\] replica ${first.name} on host ${first.hostId} exited with code 137: killed: out of memory \\(limit 32 MiB\\); restarted \\(1st restart\\)$`,
  );
  let lines: { text: string; stream: string }[] = [];
  while (Date.now() < killedAt + 5_000) {
    const logs = await call("listAppLogs", { cookie: dev.cookie, params: { team, app }, query: {} });
    lines = logs.body.lines ?? [];
    if (lines.some((l) => wanted.test(l.text))) break;
    await sleep(100);
  }
  const line = lines.find((l) => wanted.test(l.text));
  assert.ok(line, `no crash line in the app's log: ${JSON.stringify(lines.slice(-5))}`);
  assert.equal(line.stream, "system");
  // The signed app.crashed event.
  let got: Received | undefined;
  while (!got && Date.now() < killedAt + 5_000) {
    got = received.find((r) => r.headers["x-berth-event"] === "app.crashed");
    if (!got) await sleep(100);
  }
  assert.ok(got, "no app.crashed webhook within 5 s");
  assert.equal(got.headers["x-berth-signature-256"], `sha256=${createHmac("sha256", secret).update(got.body).digest("hex")}`);
  const event = JSON.parse(got.body);
  assert.equal(event.event, "app.crashed");
  assert.equal(event.app, app);
  assert.equal(event.replica, first.name);
  assert.equal(event.exitCode, 137);
  assert.equal(event.oomKilled, true);
  assert.equal(event.memoryLimitMb, 32);
  assert.equal(event.restartCount, 1);
  // It serves again after the restart.
  await waitForApp(appHost(app, team), (r) => r.status === 200);
});
