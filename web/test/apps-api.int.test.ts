// Apps, deployments, releases and containers through the real HTTP API: validation, tenant
// scope, secrets, and the deployment states web itself decides (queued, cancelled). Whether a
// deployment goes live is the worker's business and is tested in deploys*.int.test.ts.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { deployCancelKey, deployLogKey, JOBS, QUEUE_PREFIX, ROUTES, routePath } from "@berth/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { call, fakeIp, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { pushImage } from "./registry.ts";

const DOMAIN = stack.domain;
const PROXY_PORT = stack.proxyPort;
const urlOf = (app: string, team: string) => `http://${app}-${team}.${DOMAIN}${PROXY_PORT === 80 ? "" : `:${PROXY_PORT}`}`;

let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let team: string;
let otherTeam: string;
let adminCookie: string;
let db: pg.Client;
let redis: Redis;

const sql = async <T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> => (await db.query(text, values)).rows as T[];

/** An app made through the API (no image unless given); returns its id. */
async function makeApp(name: string, body: Record<string, unknown> = {}, teamSlug = team, cookie = owner.cookie): Promise<string> {
  const res = await call("createApp", { cookie, params: { team: teamSlug }, body: { name, ...body } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.app.id;
}

/** A deployment row in a given state, as the worker would have left it (web does not run deployments). */
async function deploymentRow(appId: string, status: string): Promise<string> {
  const id = randomUUID();
  await sql(`INSERT INTO deployment (id, "appId", kind, "imageRef", status) VALUES ($1, $2, 'image', 'x', $3::"DeploymentStatus")`, [id, appId, status]);
  return id;
}

before(async () => {
  [owner, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp()]);
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  otherTeam = await teamWith(outsider);
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  redis = new Redis(stack.redisUrl);
});

after(async () => {
  for (const slug of [team, otherTeam]) await call("deleteTeam", { cookie: slug === team ? owner.cookie : outsider.cookie, params: { team: slug } });
  await db.end();
  redis.disconnect();
});

describe("apps: create, read, update, delete", () => {
  it("creates an image app with defaults, a qualified image, its address and env without secret values", async () => {
    const res = await call("createApp", {
      cookie: owner.cookie,
      params: { team },
      body: {
        name: "web",
        image: `${stack.registryHost}/berth/busybox`,
        config: { port: 9000 },
        env: { GREETING: { value: "hi" }, API_KEY: { value: "s3cr3t-value", secret: true } },
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const { app, deployment } = res.body;
    assert.equal(deployment, null);
    assert.equal(app.sourceType, "image");
    assert.equal(app.imageRef, `${stack.registryHost}/berth/busybox:latest`);
    assert.equal(app.url, urlOf("web", team));
    assert.deepEqual([app.config.port, app.config.replicas, app.config.memoryMb], [9000, 1, 256]);
    assert.deepEqual(app.env, [
      { key: "API_KEY", secret: true, value: null },
      { key: "GREETING", secret: false, value: "hi" },
    ]);
    assert.deepEqual([app.liveRelease, app.latestDeployment], [null, null]);
    assert.ok(!JSON.stringify(res.body).includes("s3cr3t-value"));

    const got = await call("getApp", { cookie: viewer.cookie, params: { team, app: "web" } });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, app);
    const listed = await call("listApps", { cookie: viewer.cookie, params: { team } });
    assert.deepEqual(
      listed.body.apps.map((a: { name: string }) => a.name),
      ["web"],
    );
  });

  it("creates a source app without an image", async () => {
    await makeApp("src");
    const got = await call("getApp", { cookie: owner.cookie, params: { team, app: "src" } });
    assert.deepEqual([got.body.sourceType, got.body.imageRef], ["git", null]);
  });

  it("refuses a second app of the same name in the team", async () => {
    const res = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "web" } });
    assert.equal(res.status, 409);
  });

  it("updates config and image; without a live release nothing is deployed", async () => {
    const res = await call("updateApp", {
      cookie: owner.cookie,
      params: { team, app: "web" },
      body: { image: `${stack.registryHost}/${team}/web:2`, config: { replicas: 3, cmd: ["sh", "-c", "true"] } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.deployment, null);
    assert.equal(res.body.app.imageRef, `${stack.registryHost}/${team}/web:2`);
    assert.deepEqual([res.body.app.config.replicas, res.body.app.config.port, res.body.app.config.cmd], [3, 9000, ["sh", "-c", "true"]]);
    const dropped = await call("updateApp", { cookie: owner.cookie, params: { team, app: "web" }, body: { config: { cmd: null } } });
    assert.equal(dropped.body.app.config.cmd, undefined);
    const env = await call("setEnv", { cookie: owner.cookie, params: { team, app: "web" }, body: { set: { EXTRA: { value: "1" } }, unset: ["GREETING"] } });
    assert.equal(env.status, 200);
    assert.equal(env.body.deployment, null);
    const deployments = await call("listDeployments", { cookie: owner.cookie, params: { team, app: "web" } });
    assert.deepEqual(deployments.body.deployments, []);
  });

  it("deletes an app, hands its containers and routes to an app.teardown job, and forgets it", async () => {
    const id = await makeApp("doomed", { image: `${stack.registryHost}/berth/busybox` });
    await call("addDomain", { cookie: owner.cookie, params: { team, app: "doomed" }, body: { hostname: `doomed-${rand()}.example.test` } });
    const res = await call("deleteApp", { cookie: owner.cookie, params: { team, app: "doomed" } });
    assert.equal(res.status, 204);
    assert.equal((await call("getApp", { cookie: owner.cookie, params: { team, app: "doomed" } })).status, 404);
    const queue = new Queue(JOBS.appTeardown.queue, { connection: redis, prefix: QUEUE_PREFIX });
    const job = await queue.getJob(`teardown-${id}`);
    await queue.close();
    assert.ok(job, "a teardown job for the app");
    assert.equal(job.name, JOBS.appTeardown.name);
    assert.ok(job.data.hostnames.includes(`doomed-${team}.${DOMAIN}`));
    assert.equal(job.data.hostnames.length, 2);
    const audit = await call("teamAudit", { cookie: owner.cookie, params: { team } });
    assert.ok(audit.body.events.some((e: { action: string; target: string }) => e.action === "app.deleted" && e.target === "doomed"));
  });

  it("keeps apps of other teams invisible", async () => {
    assert.equal((await call("getApp", { cookie: outsider.cookie, params: { team, app: "web" } })).status, 404);
    assert.equal((await call("listApps", { cookie: outsider.cookie, params: { team } })).status, 404);
    await makeApp("theirs", {}, otherTeam, outsider.cookie);
    // The outsider's app under our team's path is not ours to see either.
    assert.equal((await call("getApp", { cookie: owner.cookie, params: { team, app: "theirs" } })).status, 404);
    assert.equal((await call("getApp", { cookie: owner.cookie, params: { team: otherTeam, app: "theirs" } })).status, 404);
  });
});

describe("apps: validation", () => {
  const create = (body: Record<string, unknown>, cookie = owner.cookie) => call("createApp", { cookie, params: { team }, body });

  it("refuses bad names, image references and reserved env keys with 400", async () => {
    for (const name of ["Bad_Name", "-x", "a--b", "x", "a".repeat(31)]) assert.equal((await create({ name })).status, 400, name);
    assert.equal((await create({ name: `i-${rand()}`, image: "not an image!" })).status, 400);
    const bare = await create({ name: `i-${rand()}`, image: `${stack.registryHost}/nginx:1` });
    assert.equal(bare.status, 400);
    assert.match(bare.body.error.message, /<team>\/<repository>/);
    for (const key of ["PORT", "BERTH_APP", "1BAD"]) assert.equal((await create({ name: `e-${rand()}`, env: { [key]: { value: "x" } } })).status, 400, key);
    assert.equal((await create({ name: `c-${rand()}`, config: { replicas: 99 } })).status, 400);
  });

  it("refuses an image of another team's private repository (or one that does not exist) with 403", async () => {
    const res = await create({ name: `p-${rand()}`, image: `${stack.registryHost}/${otherTeam}/secret:1` });
    assert.equal(res.status, 403);
    assert.match(res.body.error.message, new RegExp(`may not pull ${stack.registryHost}/${otherTeam}/secret:1`));
  });

  it("accepts another team's public repository", async () => {
    const repo = `pub-${rand()}`;
    await pushImage({ user: outsider, image: `${otherTeam}/${repo}:v1` });
    // Under every name of Berth's registry: the same registry, the same rules.
    const alias = `localhost:${stack.registryHost.split(":")[1]}`;
    for (const host of [stack.registryHost, alias]) {
      const denied = await create({ name: `q-${rand()}`, image: `${host}/${otherTeam}/${repo}:v1` });
      assert.equal(denied.status, 403, host);
    }
    await call("updateRepository", { cookie: outsider.cookie, params: { team: otherTeam, repo }, body: { public: true } });
    const ok = await create({ name: `q-${rand()}`, image: `${alias}/${otherTeam}/${repo}:v1` });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.app.imageRef, `${stack.registryHost}/${otherTeam}/${repo}:v1`);
  });

  it("refuses an app whose address would be another app's (a-b in c vs a in b-c)", async () => {
    const one = `z${rand()}`;
    const two = `q-${one}`;
    for (const slug of [one, two]) assert.equal((await call("createTeam", { cookie: owner.cookie, body: { slug, name: slug } })).status, 201);
    assert.equal((await call("createApp", { cookie: owner.cookie, params: { team: one }, body: { name: "pp-q" } })).status, 201);
    const clash = await call("createApp", { cookie: owner.cookie, params: { team: two }, body: { name: "pp" } });
    assert.equal(clash.status, 409);
    assert.match(clash.body.error.message, new RegExp(`pp-q-${one}\\.${DOMAIN.replace(/\./g, "\\.")} is already taken`));
    for (const slug of [one, two]) await call("deleteTeam", { cookie: owner.cookie, params: { team: slug } });
  });

  it("refuses an address longer than a DNS label", async () => {
    const long = `l${rand()}${"x".repeat(30)}`;
    assert.equal((await call("createTeam", { cookie: owner.cookie, body: { slug: long, name: "Long" } })).status, 201);
    try {
      const res = await call("createApp", { cookie: owner.cookie, params: { team: long }, body: { name: "a".repeat(30) } });
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /DNS allows 63/);
      assert.equal((await call("createApp", { cookie: owner.cookie, params: { team: long }, body: { name: "a".repeat(23) } })).status, 201);
    } finally {
      await call("deleteTeam", { cookie: owner.cookie, params: { team: long } });
    }
  });

  it("lets only instance admins mount host paths", async () => {
    const binds = [{ source: "/var/run/docker.sock", target: "/var/run/docker.sock" }];
    const refused = await create({ name: `b-${rand()}`, config: { binds } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.message, "only instance admins may mount host paths or the Docker socket");
    const patch = await call("updateApp", { cookie: owner.cookie, params: { team, app: "web" }, body: { config: { binds } } });
    assert.equal(patch.status, 403);

    const adminTeam = await call("createTeam", { cookie: adminCookie, body: { slug: `adm-${rand()}`, name: "Admin" } });
    const slug = adminTeam.body.slug;
    const allowed = await call("createApp", { cookie: adminCookie, params: { team: slug }, body: { name: "ops", config: { binds } } });
    assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
    assert.deepEqual(allowed.body.app.config.binds, [{ ...binds[0], readOnly: false }]);
    await call("deleteTeam", { cookie: adminCookie, params: { team: slug } });
  });
});

describe("apps: env and domains", () => {
  it("stores secrets sealed and never returns them", async () => {
    const secret = `pw-${rand()}-${rand()}`;
    const res = await call("setEnv", { cookie: owner.cookie, params: { team, app: "web" }, body: { set: { DB_PASSWORD: { value: secret, secret: true } } } });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.env.find((e: { key: string }) => e.key === "DB_PASSWORD"),
      { key: "DB_PASSWORD", secret: true, value: null },
    );
    for (const r of [
      await call("getApp", { cookie: owner.cookie, params: { team, app: "web" } }),
      await call("listApps", { cookie: owner.cookie, params: { team } }),
      await call("teamAudit", { cookie: owner.cookie, params: { team } }),
    ]) {
      assert.ok(!JSON.stringify(r.body).includes(secret), "the secret is never in a response");
    }
    const [row] = await sql<{ value: string }>(
      `SELECT e.value FROM env_var e JOIN app a ON a.id = e."appId" JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND e.key = 'DB_PASSWORD'`,
      [team],
    );
    assert.ok(row && row.value !== secret && row.value.startsWith("v1."), "sealed at rest");
    assert.equal(
      (await call("setEnv", { cookie: owner.cookie, params: { team, app: "web" }, body: { set: { A: { value: "1" } }, unset: ["A"] } })).status,
      400,
    );
  });

  it("adds custom domains, unique across the instance, never under Berth's domain or loopback", async () => {
    const host = `shop-${rand()}.example.test`;
    const added = await call("addDomain", { cookie: owner.cookie, params: { team, app: "web" }, body: { hostname: host.toUpperCase() } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.domains, [host]);
    const again = await call("addDomain", { cookie: owner.cookie, params: { team, app: "web" }, body: { hostname: host } });
    assert.equal(again.status, 201);
    const taken = await call("addDomain", { cookie: outsider.cookie, params: { team: otherTeam, app: "theirs" }, body: { hostname: host } });
    assert.equal(taken.status, 409);
    for (const hostname of [`other-app.${DOMAIN}`, "127.0.0.1", "localhost", "x.localhost"]) {
      const res = await call("addDomain", { cookie: owner.cookie, params: { team, app: "web" }, body: { hostname } });
      assert.equal(res.status, 400, hostname);
    }
    const own = await call("addDomain", { cookie: owner.cookie, params: { team, app: "web" }, body: { hostname: `api.web-${team}.${DOMAIN}` } });
    assert.equal(own.status, 201, JSON.stringify(own.body));

    const removed = await call("removeDomain", { cookie: owner.cookie, params: { team, app: "web", hostname: host } });
    assert.equal(removed.status, 204);
    assert.equal((await call("removeDomain", { cookie: owner.cookie, params: { team, app: "web", hostname: host } })).status, 404);
    const got = await call("getApp", { cookie: owner.cookie, params: { team, app: "web" } });
    assert.deepEqual(got.body.domains, [`api.web-${team}.${DOMAIN}`]);
  });
});

describe("deployments and releases", () => {
  it("queues an image deployment of the app's image or a given one, fully qualified", async () => {
    const none = await call("createDeployment", { cookie: owner.cookie, params: { team, app: "src" }, body: {} });
    assert.equal(none.status, 400);
    assert.equal(
      (await call("createDeployment", { cookie: owner.cookie, params: { team, app: "src" }, body: { image: `${stack.registryHost}/${otherTeam}/x:1` } }))
        .status,
      403,
    );
    const res = await call("createDeployment", {
      cookie: owner.cookie,
      params: { team, app: "src" },
      body: { image: `${stack.registryHost}/${team}/nothing:1` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.kind, "image");
    assert.equal(res.body.imageRef, `${stack.registryHost}/${team}/nothing:1`);
    assert.equal(res.body.createdBy, owner.username);
    const one = await call("getDeployment", { cookie: viewer.cookie, params: { team, app: "src", id: res.body.id } });
    assert.equal(one.status, 200);
    assert.equal(one.body.id, res.body.id);
    assert.equal((await call("getDeployment", { cookie: owner.cookie, params: { team, app: "web", id: res.body.id } })).status, 404);
  });

  it("cancels a queued deployment, asks a running one to stop, and refuses a finished one", async () => {
    const [app] = await sql<{ id: string }>(`SELECT a.id FROM app a JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = 'web'`, [team]);
    const queued = await deploymentRow(app?.id ?? "", "queued");
    const res = await call("cancelDeployment", { cookie: owner.cookie, params: { team, app: "web", id: queued } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, "cancelled");
    assert.match(res.body.reason, new RegExp(owner.username));
    assert.equal((await call("cancelDeployment", { cookie: owner.cookie, params: { team, app: "web", id: queued } })).status, 409);

    const running = await deploymentRow(app?.id ?? "", "health_checking");
    const asked = await call("cancelDeployment", { cookie: owner.cookie, params: { team, app: "web", id: running } });
    assert.equal(asked.status, 200);
    assert.equal(asked.body.status, "health_checking");
    assert.equal(await redis.get(deployCancelKey(running)), "1");
    await sql(`UPDATE deployment SET status = 'failed' WHERE id = $1`, [running]);
    assert.equal((await call("cancelDeployment", { cookie: viewer.cookie, params: { team, app: "web", id: running } })).status, 403);
  });

  it("serves a deployment's log after a cursor, with times from the line ids", async () => {
    const [app] = await sql<{ id: string }>(`SELECT a.id FROM app a JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = 'web'`, [team]);
    const id = await deploymentRow(app?.id ?? "", "failed");
    const first = await redis.xadd(deployLogKey(id), "*", "t", "line one");
    await redis.xadd(deployLogKey(id), "*", "t", "line two");
    await redis.expire(deployLogKey(id), 600);
    const all = await call("getDeploymentLog", { cookie: viewer.cookie, params: { team, app: "web", id } });
    assert.equal(all.status, 200);
    assert.equal(all.body.status, "failed");
    assert.deepEqual(
      all.body.lines.map((l: { text: string }) => l.text),
      ["line one", "line two"],
    );
    assert.equal(all.body.lines[0].ts, new Date(Number(String(first).split("-")[0])).toISOString());
    const rest = await call("getDeploymentLog", { cookie: viewer.cookie, params: { team, app: "web", id }, query: { after: String(first) } });
    assert.deepEqual(
      rest.body.lines.map((l: { text: string }) => l.text),
      ["line two"],
    );
    assert.equal((await call("getDeploymentLog", { cookie: viewer.cookie, params: { team, app: "web", id }, query: { after: "nope" } })).status, 400);
  });

  it("lists releases with the live version, and refuses a rollback to a release that does not exist", async () => {
    const releases = await call("listReleases", { cookie: viewer.cookie, params: { team, app: "web" } });
    assert.deepEqual(releases.body, { releases: [], liveVersion: null });
    const missing = await call("rollback", { cookie: owner.cookie, params: { team, app: "web", version: "7" } });
    assert.equal(missing.status, 404);
    assert.equal((await call("rollback", { cookie: owner.cookie, params: { team, app: "web", version: "seven" } })).status, 400);
  });

  it("lists deployments newest first", async () => {
    const res = await call("listDeployments", { cookie: viewer.cookie, params: { team, app: "web" } });
    const times = res.body.deployments.map((d: { createdAt: string }) => Date.parse(d.createdAt));
    assert.ok(times.length >= 3);
    assert.deepEqual(
      times,
      [...times].sort((a: number, b: number) => b - a),
    );
  });
});

describe("build uploads", () => {
  const upload = (body: BodyInit, headers: Record<string, string>, app = "src") =>
    fetch(stack.webUrl + routePath(ROUTES.uploadBuild.path, { team, app }), {
      method: "POST",
      headers: { cookie: owner.cookie, "x-forwarded-for": fakeIp(), ...headers },
      body,
    });

  it("refuses other content types, empty bodies and a declared size over the limit", async () => {
    assert.equal((await upload("{}", { "content-type": "application/json" })).status, 400);
    assert.equal((await upload("", { "content-type": "application/x-tar" })).status, 400);
    const big = await fetch(stack.webUrl + routePath(ROUTES.uploadBuild.path, { team, app: "src" }), {
      method: "POST",
      headers: { cookie: owner.cookie, "x-forwarded-for": fakeIp(), "content-type": "application/x-tar", "content-length": String(300 * 1024 * 1024) },
      body: "x",
    }).catch(() => null);
    // undici may refuse a mismatched length itself; when it sends, the server must answer 413.
    if (big) assert.equal(big.status, 413);
  });

  it("stores an upload as a queued build and starts a build deployment", async () => {
    const res = await upload(new Uint8Array(Buffer.alloc(2048)), { "content-type": "application/x-tar" });
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.kind, "build");
    const [row] = await sql<{ source: string }>(`SELECT b.source FROM deployment d JOIN build b ON b.id = d."buildId" WHERE d.id = $1`, [body.id]);
    assert.equal(row?.source, "upload");
  });
});

describe("containers and hosts", () => {
  it("lists the team's containers, and 404s for an unknown app or container", async () => {
    const res = await call("listContainers", { cookie: viewer.cookie, params: { team } });
    assert.deepEqual(res.body, { containers: [] });
    assert.equal((await call("listContainers", { cookie: viewer.cookie, params: { team }, query: { app: "nope" } })).status, 404);
    assert.equal((await call("containerAction", { cookie: owner.cookie, params: { team, id: randomUUID() }, body: { action: "stop" } })).status, 404);
    assert.equal((await call("commitContainer", { cookie: owner.cookie, params: { team, id: "nope" }, body: { repository: "xx", tag: "1" } })).status, 404);
  });

  it("refuses a one-off command on an app without a live release", async () => {
    const res = await call("runCommand", { cookie: owner.cookie, params: { team, app: "web" }, body: { cmd: ["true"] } });
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /no live release/);
  });

  it("drains and undrains a host (instance admins), with audit events", async () => {
    const id = `test-${rand()}`;
    await sql(
      `INSERT INTO host (id, hostname, "dockerVersion", cpus, "memoryBytes", "freeMemoryBytes", "lastHeartbeatAt") VALUES ($1, 'fake', '0', 1, 1, 1, now() - interval '1 hour')`,
      [id],
    );
    try {
      assert.equal((await call("drainHost", { cookie: owner.cookie, params: { id }, body: { draining: true } })).status, 403);
      const drained = await call("drainHost", { cookie: adminCookie, params: { id }, body: { draining: true } });
      assert.equal(drained.status, 200, JSON.stringify(drained.body));
      assert.deepEqual([drained.body.draining, drained.body.online], [true, false]);
      const detail = await call("getHost", { cookie: adminCookie, params: { id } });
      assert.deepEqual([detail.status, detail.body.containers], [200, []]);
      const back = await call("drainHost", { cookie: adminCookie, params: { id }, body: { draining: false } });
      assert.equal(back.body.draining, false);
      const audit = await call("adminAudit", { cookie: adminCookie });
      const actions = audit.body.events.filter((e: { target: string }) => e.target === id).map((e: { action: string }) => e.action);
      assert.deepEqual(actions, ["host.undrained", "host.drained"]);
      assert.equal((await call("getHost", { cookie: adminCookie, params: { id: `none-${rand()}` } })).status, 404);
    } finally {
      await sql(`DELETE FROM host WHERE id = $1`, [id]);
    }
  });
});
