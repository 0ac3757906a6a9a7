// Issue 14, item 5: committing a container must not bake the app's secrets into an image. The engine
// copies a container's environment into the image it commits, and Berth pushes that image to its
// registry, where every team member (and, for a public repository, everyone) can pull it. The
// committed image keeps the variables' names with empty values; its base image's own stay as they were.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { call, signUp, type TestUser, teamWith } from "../api.ts";
import { stack } from "../config.ts";
import { dockerInspect, waitForDeployment } from "../deploys.ts";

const IMAGE = `${stack.registryHost}/berth/busybox:latest`;
let dev: TestUser;
let team: string;

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
});

after(async () => {
  if (dev) await call("deleteTeam", { cookie: dev.cookie, params: { team } });
});

test("a committed image carries neither the app's secret nor its settings' values", async () => {
  const secret = `s3cret-${randomBytes(8).toString("hex")}`;
  const plain = `plain-${randomBytes(8).toString("hex")}`;
  const created = await call("createApp", {
    cookie: dev.cookie,
    params: { team },
    body: {
      name: "snap-src",
      image: IMAGE,
      env: { API_KEY: { value: secret, secret: true }, GREETING: { value: plain } },
      config: {
        port: 8080,
        cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
        healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 20, intervalMs: 250 },
      },
      deploy: true,
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, "snap-src", created.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
  const [c] = (await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app: "snap-src" } })).body.containers;
  // The running container has the secret: what a commit would copy.
  const running = dockerInspect(c.hostId, c.name);
  assert.ok((running.Config.Env as string[]).includes(`API_KEY=${secret}`), "the container holds the secret");

  const commit = await call("commitContainer", { cookie: dev.cookie, params: { team, id: c.id }, body: { repository: "snap", tag: "1" } });
  assert.equal(commit.status, 201, JSON.stringify(commit.body));
  const env = dockerInspect(c.hostId, commit.body.image).Config.Env as string[];
  assert.ok(!JSON.stringify(env).includes(secret), `no secret in the image's env: ${JSON.stringify(env)}`);
  assert.ok(!JSON.stringify(env).includes(plain), "no setting's value either");
  assert.ok(env.includes("API_KEY=") && env.includes("GREETING="), `names kept, values emptied: ${JSON.stringify(env)}`);
  const baseEnv = dockerInspect(c.hostId, running.Image).Config.Env as string[];
  for (const entry of baseEnv) assert.ok(env.includes(entry), `the base image's ${entry} is kept`);
});
