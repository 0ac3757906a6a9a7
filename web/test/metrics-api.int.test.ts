// The metrics API against the running stack: samples written to an app's Redis stream in the
// runtime-host's shape come back for the asked window only, oldest first, and only to members.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { appMetricsKey, type ContainerStats } from "@berth/core";
import { Redis } from "ioredis";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";

const redis = new Redis(stack.redisUrl);
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let team: string;
const app = "metered";
let key: string;
const now = Date.now();

const sample = (secondsAgo: number, cpuPercent: number): ContainerStats => ({
  ts: new Date(now - secondsAgo * 1000).toISOString(),
  container: "cccccccccccc",
  replica: "metered-1",
  cpuPercent,
  memoryBytes: 1_000_000 + cpuPercent,
  memoryLimitBytes: 268_435_456,
  rxBytes: 10 * cpuPercent,
  txBytes: 5 * cpuPercent,
});

before(async () => {
  owner = await signUp();
  viewer = await signUp();
  outsider = await signUp();
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  const created = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: app } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  key = appMetricsKey(created.body.app.id);
  // 20 min ago, 5 min ago, 1 min ago, plus an entry that is not a sample at all.
  for (const [ago, cpu] of [
    [1200, 1],
    [300, 2],
    [60, 3],
  ] as const)
    await redis.xadd(key, `${now - ago * 1000}-0`, "j", JSON.stringify(sample(ago, cpu)));
  await redis.xadd(key, `${now - 30_000}-0`, "j", "{not json");
});

after(async () => {
  await redis.del(key);
  await call("deleteApp", { cookie: owner.cookie, params: { team, app } });
  await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  redis.disconnect();
});

describe("GET …/metrics", () => {
  it("answers the samples of the last ten minutes by default, oldest first, skipping entries that are not samples", async () => {
    const res = await call<{ samples: ContainerStats[] }>("getAppMetrics", { cookie: viewer.cookie, params: { team, app } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.samples.map((s) => s.cpuPercent),
      [2, 3],
    );
    assert.deepEqual(res.body.samples[1], sample(60, 3));
  });

  it("widens the window when asked for more minutes", async () => {
    const res = await call<{ samples: ContainerStats[] }>("getAppMetrics", { cookie: owner.cookie, params: { team, app }, query: { minutes: "30" } });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.samples.map((s) => s.cpuPercent),
      [1, 2, 3],
    );
  });

  it("refuses a window over an hour", async () => {
    const res = await call("getAppMetrics", { cookie: owner.cookie, params: { team, app }, query: { minutes: "61" } });
    assert.equal(res.status, 400);
  });

  it("does not show another team's app to an outsider", async () => {
    const res = await call("getAppMetrics", { cookie: outsider.cookie, params: { team, app } });
    assert.equal(res.status, 404);
  });
});
