// Image references at the API edge, through the real HTTP API: a reference Berth will not deploy
// is refused before anything is stored or queued (a registry that cannot be reached: 503; no namespace in Berth's
// registry, not a reference: 400), by every route that stores one; what it will deploy is stored in one qualified form.
// A reference naming no registry is on Docker Hub (core/src/image-ref.test.ts): none is sent to the API here, as
// that would ask Docker Hub.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { JOBS, QUEUE_PREFIX } from "@berth/core";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { signIn, stack } from "./config.ts";
import { allowOutbound } from "./outbound.ts";
import { sql } from "./sql.ts";

let owner: TestUser;
let team: string;
let redis: Redis;
let restoreOutbound: (() => Promise<void>) | undefined;
/** A registry that cannot be asked: a loopback port nobody listens on, allowed through the outbound policy. */
let silent: string;
const startedAt = Date.now();

/** A loopback port that was free a moment ago (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
  redis = new Redis(stack.redisUrl);
  silent = `127.0.0.1:${await closedPort()}`;
  ({ restore: restoreOutbound } = await allowOutbound(await signIn(stack.adminEmail, stack.adminPassword), [silent]));
});

after(async () => {
  await restoreOutbound?.();
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  redis?.disconnect();
});

const createApp = (body: Record<string, unknown>) => call("createApp", { cookie: owner.cookie, params: { team }, body });

async function appRow(name: string): Promise<{ id: string; imageRef: string | null } | undefined> {
  const [row] = await sql<{ id: string; imageRef: string | null }>(
    `SELECT a.id, a."imageRef" FROM app a JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND a.name = $2`,
    [team, name],
  );
  return row;
}

const deploymentCount = async (appId: string) => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM deployment WHERE "appId" = $1`, [appId]))[0]?.n);

/** The apps of this team that `deploy.run` jobs queued since the test started are for. */
async function appsWithQueuedDeploys(): Promise<Set<string>> {
  const queue = new Queue(JOBS.deployRun.queue, { connection: redis, prefix: QUEUE_PREFIX });
  try {
    const jobs = await queue.getJobs(["waiting", "active", "delayed", "prioritized", "completed", "failed"], 0, -1);
    const ids = jobs.filter((j) => j?.name === JOBS.deployRun.name && j.timestamp >= startedAt).map((j) => String(j.data.deploymentId));
    const rows = await sql<{ name: string }>(
      `SELECT a.name FROM deployment d JOIN app a ON a.id = d."appId" JOIN team t ON t.id = a."teamId" WHERE t.slug = $1 AND d.id::text = ANY($2)`,
      [team, ids],
    );
    return new Set(rows.map((r) => r.name));
  } finally {
    await queue.close();
  }
}

describe("image references from another registry", () => {
  const other = () => `${silent}/org/app:1`;
  const unreachable = () => new RegExp(`could not reach the registry ${silent.replaceAll(".", "\\.")}`);

  it("refuses to create an app (and deploy it) from an image whose registry cannot be reached (503, saying so); no app is made", async () => {
    for (const deploy of [false, true]) {
      const name = `x-${rand()}`;
      const res = await createApp({ name, image: other(), deploy });
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.match(res.body.error.message, unreachable());
      assert.equal(await appRow(name), undefined);
    }
  });

  it("refuses a deploy of, or a change to, such an image (503); nothing is stored or queued", async () => {
    const made = await createApp({ name: "site", image: `${stack.registryHost}/berth/busybox` });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const app = await appRow("site");
    assert.ok(app);

    const deploy = await call("createDeployment", { cookie: owner.cookie, params: { team, app: "site" }, body: { image: other() } });
    assert.equal(deploy.status, 503, JSON.stringify(deploy.body));
    assert.match(deploy.body.error.message, unreachable());
    assert.doesNotMatch(deploy.body.error.message, /offline/);

    const update = await call("updateApp", { cookie: owner.cookie, params: { team, app: "site" }, body: { image: other() } });
    assert.equal(update.status, 503, JSON.stringify(update.body));
    assert.equal((await appRow("site"))?.imageRef, `${stack.registryHost}/berth/busybox:latest`);

    assert.equal(await deploymentCount(app.id), 0);
    assert.ok(!(await appsWithQueuedDeploys()).has("site"), "no deploy.run job for the app");
  });
});

describe("image references Berth deploys", () => {
  it("stores a reference to Berth's registry under any of its names in one qualified form, and queues its deployment", async () => {
    const made = await createApp({ name: "ok", image: `localhost:${stack.registryHost.split(":")[1]}/berth/busybox` });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.app.imageRef, `${stack.registryHost}/berth/busybox:latest`);
    const res = await call("createDeployment", {
      cookie: owner.cookie,
      params: { team, app: "ok" },
      body: { image: `${stack.registryHost}/${team}/nothing:1` },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.imageRef, `${stack.registryHost}/${team}/nothing:1`);
    // A control that the job lookup above can see a queued deployment at all.
    assert.ok((await appsWithQueuedDeploys()).has("ok"));
    await call("cancelDeployment", { cookie: owner.cookie, params: { team, app: "ok", id: res.body.id } });
  });

  it("refuses a reference to Berth's registry without a namespace, or that is not one, with the parser's reason", async () => {
    for (const host of [stack.registryHost, `localhost:${stack.registryHost.split(":")[1]}`]) {
      const bare = await createApp({ name: `n-${rand()}`, image: `${host}/postgres:16` });
      assert.equal(bare.status, 400, host);
      assert.equal(
        bare.body.error.message,
        `"${host}/postgres:16" names no namespace: images in Berth's registry are ${stack.registryHost}/<team>/<repository>[:tag], e.g. ${stack.registryHost}/${team}/postgres:16`,
      );
    }
    const upper = await createApp({ name: `n-${rand()}`, image: "acme/Web:1" });
    assert.equal(upper.status, 400);
    assert.match(JSON.stringify(upper.body), /must be lowercase/);
  });
});
