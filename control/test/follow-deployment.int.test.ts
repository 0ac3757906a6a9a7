// Following a deployment and finishing one, against the stack's real Postgres and Redis: each run
// makes its own team and app with Prisma and removes them and their log streams after.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type BusMessage, deployLogKey, EVENTS_CHANNEL } from "@berth/core";
import { createDb } from "@berth/db";
import { Redis } from "ioredis";
import { stack } from "../../web/test/config.ts";
import { appendBuildEnd, deployLog } from "../src/deployments/deploy-log.ts";
import { type FollowEvent, followDeployment } from "../src/deployments/follow-deployment.ts";
import { setDeploymentStatus } from "../src/deployments/set-deployment-status.ts";
import { liveRelease } from "../src/releases/live-release.ts";

const db = createDb(stack.databaseUrl, { max: 4 });
const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const deps = { db, redis, publisher: redis };
const team = `fd-${randomBytes(4).toString("hex")}`;
let appId = "";
let teamId = "";
const keys: string[] = [];

before(async () => {
  teamId = (await db.team.create({ data: { slug: team, name: team } })).id;
  appId = (await db.app.create({ data: { teamId, name: "web" } })).id;
});

after(async () => {
  await db.team.deleteMany({ where: { slug: team } });
  if (keys.length) await redis.del(...keys);
  await db.$disconnect();
  redis.disconnect();
});

/** A deployment as a worker runs it (no owner: the reaper leaves it alone). */
async function deployment(status: "starting" | "building" | "failed" | "replaced" = "starting", releaseVersion?: number) {
  const release = releaseVersion
    ? await db.release.create({ data: { appId, version: releaseVersion, imageRef: `127.0.0.1:5000/${team}/web:${releaseVersion}`, config: {} } })
    : null;
  const d = await db.deployment.create({ data: { appId, kind: "image", imageRef: "x", status, releaseId: release?.id ?? null } });
  keys.push(deployLogKey(d.id));
  return d;
}

/** Runs a follow in the background, collecting its events; `done` resolves when it ends. */
function collect(iterable: AsyncIterable<FollowEvent>) {
  const events: FollowEvent[] = [];
  const done = (async () => {
    for await (const e of iterable) events.push(e);
    return events;
  })();
  return { events, done };
}

const texts = (events: FollowEvent[]) => events.flatMap((e) => (e.kind === "line" ? [e.text] : []));

describe("followDeployment", () => {
  it("yields lines as they are written and ends with the outcome the status change appends, without waiting for a read to time out", async () => {
    const d = await deployment();
    const log = deployLog(redis, appId, d.id);
    await log.write("before the follow");
    const f = collect(followDeployment(deps, d.id, { blockMs: 60_000 }));
    await sleep(200);
    await log.write("one", "two");
    const started = Date.now();
    await setDeploymentStatus(deps, d, "failed", { reason: "health check failed" });
    const events = await f.done;
    assert.ok(Date.now() - started < 5_000, "woken by the end entry");
    assert.deepEqual(texts(events), ["before the follow", "one", "two"]);
    assert.deepEqual(events.at(-1), { kind: "end", end: { status: "failed", reason: "health check failed", releaseVersion: null } });
    // The end entry is in the stream, after the lines, once.
    const entries = await redis.xrange(deployLogKey(d.id), "-", "+");
    assert.equal(entries.filter(([, f]) => f[0] === "end").length, 1);
    assert.equal(entries.at(-1)?.[1][0], "end");
  });

  it("starts after a cursor, with lines timed by their ids", async () => {
    const d = await deployment();
    const log = deployLog(redis, appId, d.id);
    await log.write("old");
    const [[cursor]] = (await redis.xrange(deployLogKey(d.id), "-", "+")) as [string, string[]][] as [[string]];
    await log.write("new");
    await setDeploymentStatus(deps, d, "cancelled", { reason: "cancelled by ann" });
    const events = await collect(followDeployment(deps, d.id, { after: cursor })).done;
    assert.deepEqual(texts(events), ["new"]);
    const line = events[0];
    assert.ok(line?.kind === "line" && Math.abs(Date.parse(line.ts) - Date.now()) < 60_000);
    assert.deepEqual(events.at(-1), { kind: "end", end: { status: "cancelled", reason: "cancelled by ann", releaseVersion: null } });
  });

  it("ends a deployment finished by a path that wrote no end entry once a read times out, with the lines written before", async () => {
    const d = await deployment();
    const f = collect(followDeployment(deps, d.id, { blockMs: 300 }));
    await sleep(100);
    await deployLog(redis, appId, d.id).write("last words");
    await db.deployment.update({ where: { id: d.id }, data: { status: "failed", reason: "reaped", finishedAt: new Date() } });
    const events = await f.done;
    assert.deepEqual(texts(events), ["last words"]);
    assert.deepEqual(events.at(-1), { kind: "end", end: { status: "failed", reason: "reaped", releaseVersion: null } });
  });

  it("ends at once for a deployment long over whose stream expired, with what its row says now", async () => {
    const d = await deployment("replaced", 41);
    const started = Date.now();
    const events = await collect(followDeployment(deps, d.id, { blockMs: 60_000 })).done;
    assert.ok(Date.now() - started < 5_000);
    assert.deepEqual(events, [{ kind: "end", end: { status: "replaced", reason: null, releaseVersion: 41 } }]);
  });

  it("follows to the build's end when asked to, passing over lines", async () => {
    const d = await deployment("building");
    const build = await db.build.create({ data: { appId, status: "running" } });
    await db.deployment.update({ where: { id: d.id }, data: { kind: "build", buildId: build.id } });
    const f = collect(followDeployment(deps, d.id, { until: "build", blockMs: 60_000 }));
    await deployLog(redis, appId, d.id).write("Step 1/1 : FROM base");
    await appendBuildEnd(redis, d.id, { status: "failed", error: "Step 1/1 failed" });
    const events = await f.done;
    assert.deepEqual(texts(events), ["Step 1/1 : FROM base"]);
    assert.deepEqual(events.at(-1), { kind: "build", build: { status: "failed", error: "Step 1/1 failed" } });
  });

  it("ends without an outcome when aborted mid-read, and closes its own connection", async () => {
    const d = await deployment();
    const connections: Redis[] = [];
    const spy = {
      duplicate: () => {
        const c = redis.duplicate();
        connections.push(c);
        return c;
      },
    } as unknown as Redis;
    const stop = new AbortController();
    const f = collect(followDeployment({ db, redis: spy }, d.id, { signal: stop.signal, blockMs: 60_000 }));
    await sleep(300);
    assert.equal(connections[0]?.status, "ready");
    const started = Date.now();
    stop.abort();
    assert.deepEqual(await f.done, []);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(connections[0]?.status, "end");
  });
});

describe("setDeploymentStatus", () => {
  it("makes the app's earlier live deployments replaced when a newer one goes live, and says so to the app's room", async () => {
    const first = await deployment("starting", 1);
    await setDeploymentStatus(deps, first, "live", { reason: null });
    const second = await deployment("starting", 2);
    const sub = redis.duplicate();
    const heard: BusMessage[] = [];
    sub.on("message", (_channel, message) => heard.push(JSON.parse(message) as BusMessage));
    await sub.subscribe(EVENTS_CHANNEL);
    try {
      await setDeploymentStatus(deps, second, "live", { reason: null });
      const rows = await db.deployment.findMany({
        where: { id: { in: [first.id, second.id] } },
        select: { id: true, status: true, reason: true, finishedAt: true },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      assert.equal(byId.get(second.id)?.status, "live");
      assert.equal(byId.get(first.id)?.status, "replaced");
      assert.equal(byId.get(first.id)?.reason, `replaced by deployment ${second.id.slice(0, 8)}`);
      assert.ok(byId.get(first.id)?.finishedAt, "when it went live is kept");
      assert.equal((await liveRelease(db, appId))?.version, 2);
      for (let i = 0; i < 50 && !heard.some((m) => m.type === "deployment.updated" && m.payload.deploymentId === first.id); i++) await sleep(50);
      const news = heard.filter((m) => m.type === "deployment.updated" && m.payload.deploymentId === first.id && m.room === `app:${appId}`);
      assert.equal(news.length, 1);
      assert.equal(news[0]?.type === "deployment.updated" && news[0].payload.status, "replaced");
      // Replaced is not the end of a run: the first deployment's stream still ends with its own outcome.
      const ends = (await redis.xrange(deployLogKey(first.id), "-", "+")).filter(([, f]) => f[0] === "end").map(([, f]) => JSON.parse(f[1] ?? ""));
      assert.deepEqual(ends, [{ status: "live", reason: null, releaseVersion: 1 }]);
    } finally {
      sub.disconnect();
    }
  });
});
