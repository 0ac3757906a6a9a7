// Many deployments at once across the hosts: 10 apps × 20 replicas of one team, all queued together.
// Every one must go live (the team's network is made once per engine, however many replicas start
// at the same moment), every replica must run, and each app must answer through the proxy.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import { appHost, waitForApp, waitForDeployment } from "./deploys.ts";

const APPS = 10;
const REPLICAS = 20;
const names = Array.from({ length: APPS }, (_, i) => `many-${i}`);
let dev: TestUser;
let team: string;

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
});

after(async () => {
  if (!dev) return;
  for (const name of names) await call("deleteApp", { cookie: dev.cookie, params: { team, app: name } });
});

test(`${APPS} apps × ${REPLICAS} replicas deployed at once all go live across the hosts`, { timeout: 900_000 }, async () => {
  const started = Date.now();
  const created = await Promise.all(
    names.map((name) =>
      call("createApp", {
        cookie: dev.cookie,
        params: { team },
        body: {
          name,
          image: `${stack.registryHost}/berth/busybox:latest`,
          deploy: true,
          config: {
            port: 8080,
            replicas: REPLICAS,
            memoryMb: 16,
            cpus: 0.05,
            cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
            healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 240, intervalMs: 500 },
          },
        },
      }),
    ),
  );
  for (const r of created) assert.equal(r.status, 201, JSON.stringify(r.body));
  const finished = await Promise.all(created.map((r, i) => waitForDeployment({ cookie: dev.cookie }, team, names[i] as string, r.body.deployment.id, 840_000)));
  const failed = finished.flatMap((d, i) => (d.status === "live" ? [] : [`${names[i]}: ${d.status} (${d.reason})`]));
  assert.deepEqual(failed, [], "every deployment is live");
  const list = await call("listContainers", { cookie: dev.cookie, params: { team } });
  const running = list.body.containers.filter((c: { state: string }) => c.state === "running");
  assert.equal(running.length, APPS * REPLICAS, "every replica runs");
  const hosts = new Set(running.map((c: { hostId: string }) => c.hostId));
  assert.ok(hosts.size >= 2, `replicas are spread over the hosts (${[...hosts].join(", ")})`);
  for (const name of names) await waitForApp(appHost(name, team), (r) => r.status === 200, 10_000, "/passwd");
  process.stdout.write(`# ${APPS * REPLICAS} replicas of ${APPS} apps live on ${hosts.size} hosts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
