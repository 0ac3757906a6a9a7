// socket.io on the real stack: who may connect (session cookie or access token), who may join which
// room, that several web processes deliver each bus message exactly once, and that deployments and
// containers reach the team's room as they change.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOMS } from "@berth/core";
import { createLogger } from "@berth/core/logger";
import { createDb, type Db } from "@berth/db";
import { Redis } from "ioredis";
import { createAuth } from "../src/server/auth/auth.ts";
import { attachSockets } from "../src/server/sockets/attach-sockets.ts";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import { waitForDeployment } from "./deploys.ts";
import { connect, fakeLine, publishLines, record, subscribe, type TestSocket, until } from "./sockets.ts";

let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let team: string;
let teamId: string;
let appId: string;
let redis: Redis;
const sockets: TestSocket[] = [];

const open = async (auth: { cookie?: string; token?: string }, url?: string) => {
  const s = await connect(auth, url);
  sockets.push(s);
  return s;
};
const tokenOf = async (user: TestUser, scopes: string[]) => {
  const res = await call("createToken", { cookie: user.cookie, body: { name: `sock-${rand()}`, scopes } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.secret as string;
};
/** Stream-like ids far in the future, so they never collide with a real app's. */
let seq = 0;
const nextId = () => `${Date.now()}-${++seq}`;

before(async () => {
  redis = new Redis(stack.redisUrl);
  [owner, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp()]);
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  await teamWith(outsider);
  teamId = (await call("getTeam", { cookie: owner.cookie, params: { team } })).body.id;
  const created = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "quiet", image: `${stack.registryHost}/berth/busybox` } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  appId = created.body.app.id;
});

after(async () => {
  for (const s of sockets) s.close();
  if (owner) await call("deleteApp", { cookie: owner.cookie, params: { team, app: "quiet" } });
  redis?.disconnect();
});

describe("connecting", () => {
  test("refuses a connection without credentials, and one with a made-up token", async () => {
    await assert.rejects(connect({}), /UNAUTHENTICATED/);
    await assert.rejects(connect({ token: `berth_pat_${randomBytes(16).toString("hex")}` }), /UNAUTHENTICATED/);
  });

  test("accepts a session cookie and an access token", async () => {
    const bySession = await open({ cookie: viewer.cookie });
    assert.deepEqual(await subscribe(bySession, ROOMS.app(appId)), { ok: true });
    const byToken = await open({ token: await tokenOf(owner, ["apps:deploy"]) });
    assert.deepEqual(await subscribe(byToken, ROOMS.logs(appId)), { ok: true });
  });
});

describe("rooms", () => {
  test("a member of another team can join none of the app's or team's rooms, and receives none of its lines", async () => {
    const stranger = await open({ cookie: outsider.cookie });
    const member = await open({ cookie: viewer.cookie });
    for (const room of [ROOMS.app(appId), ROOMS.logs(appId), ROOMS.metrics(appId), ROOMS.team(teamId)]) {
      assert.deepEqual(await subscribe(stranger, room), { ok: false, code: "FORBIDDEN" }, room);
      assert.deepEqual(await subscribe(member, room), { ok: true }, room);
    }
    const follow = await stranger.timeout(10_000).emitWithAck("logs.follow", { appId });
    assert.equal(follow.ok, false);
    assert.equal(!follow.ok && follow.code, "FORBIDDEN");
    const strangerGot = record(stranger, "app.log");
    const memberGot = record(member, "app.log");
    await publishLines(redis, appId, [fakeLine(nextId(), "for members only")]);
    assert.ok(await until(() => memberGot.length === 1), "the member receives the line");
    await sleep(300);
    assert.equal(strangerGot.length, 0);
  });

  test("refuses rooms it does not know", async () => {
    const s = await open({ cookie: owner.cookie });
    for (const room of [`terminal:${appId}`, "app:quiet", `team:${team}`, `logs:${appId}:x`, ""]) {
      assert.deepEqual(await subscribe(s, room), { ok: false, code: "FORBIDDEN" }, room);
    }
  });

  test("holds an access token to its scopes", async () => {
    const registryOnly = await open({ token: await tokenOf(owner, ["registry:read"]) });
    assert.deepEqual(await subscribe(registryOnly, ROOMS.logs(appId)), { ok: false, code: "FORBIDDEN" });
    assert.deepEqual(await subscribe(registryOnly, ROOMS.app(appId)), { ok: false, code: "FORBIDDEN" });
    const follow = await registryOnly.timeout(10_000).emitWithAck("logs.follow", { appId });
    assert.equal(!follow.ok && follow.code, "FORBIDDEN");
    const deployer = await open({ token: await tokenOf(owner, ["apps:deploy"]) });
    assert.deepEqual(await subscribe(deployer, ROOMS.metrics(appId)), { ok: true });
    // team.read is covered by the admin scope only (PERMISSION_SCOPE).
    assert.deepEqual(await subscribe(deployer, ROOMS.team(teamId)), { ok: false, code: "FORBIDDEN" });
    const admin = await open({ token: await tokenOf(owner, ["admin"]) });
    assert.deepEqual(await subscribe(admin, ROOMS.team(teamId)), { ok: true });
  });

  test("unsubscribe and logs.unfollow stop the events", async () => {
    const s = await open({ cookie: viewer.cookie });
    const follow = await s.timeout(10_000).emitWithAck("logs.follow", { appId, tail: 0 });
    assert.equal(follow.ok, true);
    const got = record(s, "app.log");
    await publishLines(redis, appId, [fakeLine(nextId(), "one")]);
    assert.ok(await until(() => got.length === 1));
    s.emit("logs.unfollow", appId);
    await sleep(200);
    await publishLines(redis, appId, [fakeLine(nextId(), "two")]);
    await sleep(300);
    assert.equal(got.length, 1);

    assert.deepEqual(await subscribe(s, ROOMS.app(appId)), { ok: true });
    const updates = record(s, "deployment.updated");
    const update = (status: "queued" | "failed") =>
      redis.publish(
        "berth:events",
        JSON.stringify({ type: "deployment.updated", room: ROOMS.app(appId), payload: { version: 1, appId, deploymentId: "d", status, reason: null } }),
      );
    await update("queued");
    assert.ok(await until(() => updates.length === 1));
    s.emit("unsubscribe", ROOMS.app(appId));
    await sleep(200);
    await update("failed");
    await sleep(300);
    assert.equal(updates.length, 1);
  });
});

describe("several web processes", () => {
  let server: Server;
  let second: ReturnType<typeof attachSockets>;
  let db: Db;
  let secondUrl: string;

  before(async () => {
    db = createDb(stack.databaseUrl, { max: 2 });
    server = createServer();
    // Listening first: the second process serves its own address (sockets refuse any other Host).
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    secondUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A session secret of its own: viewers of this server come with access tokens.
    const auth = createAuth({ db, redis, secret: randomBytes(32).toString("hex"), baseURL: stack.webUrl, trustedOrigins: [stack.webUrl] });
    second = attachSockets({
      server,
      auth,
      db,
      redis,
      redisUrl: stack.redisUrl,
      trustedOrigins: [stack.webUrl, secondUrl],
      log: createLogger({ process: "web-test", level: "silent" }),
    });
  });

  after(async () => {
    await second?.close();
    server?.close();
    await db?.$disconnect();
  });

  test("a viewer on each of two web processes gets each bus line exactly once", async () => {
    const onFirst = await open({ cookie: viewer.cookie });
    const onSecond = await open({ token: await tokenOf(owner, ["apps:deploy"]) }, secondUrl);
    for (const s of [onFirst, onSecond]) assert.equal((await s.timeout(10_000).emitWithAck("logs.follow", { appId, tail: 0 })).ok, true);
    const got = [record(onFirst, "app.log"), record(onSecond, "app.log")];
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const line = fakeLine(nextId(), `line ${i}`);
      sent.push(line.id);
      await publishLines(redis, appId, [line]);
    }
    for (const g of got) assert.ok(await until(() => g.flatMap((p) => p.lines).length >= sent.length));
    await sleep(500); // a duplicate would arrive about now
    for (const g of got)
      assert.deepEqual(
        g.flatMap((p) => p.lines.map((l) => l.id)),
        sent,
      );
  });

  test("an event emitted inside one web process reaches the other's viewers, once", async () => {
    const onFirst = await open({ cookie: viewer.cookie });
    const onSecond = await open({ token: await tokenOf(owner, ["apps:deploy"]) }, secondUrl);
    for (const s of [onFirst, onSecond]) assert.deepEqual(await subscribe(s, ROOMS.app(appId)), { ok: true });
    const got = [record(onFirst, "container.updated"), record(onSecond, "container.updated")];
    second.io.to(ROOMS.app(appId)).emit("container.updated", { version: 1, appId, containerId: "c1", state: "running" });
    for (const g of got) assert.ok(await until(() => g.length === 1));
    await sleep(500);
    for (const g of got) assert.equal(g.length, 1);
  });
});

test("a deployment and its container reach the team's room live, and so does their removal", async () => {
  const member = await open({ cookie: viewer.cookie });
  assert.deepEqual(await subscribe(member, ROOMS.team(teamId)), { ok: true });
  const deployments = record(member, "deployment.updated");
  const containers = record(member, "container.updated");
  const name = `live-${rand()}`;
  const created = await call("createApp", {
    cookie: owner.cookie,
    params: { team },
    body: {
      name,
      image: `${stack.registryHost}/berth/busybox:latest`,
      deploy: true,
      config: {
        port: 8080,
        cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
        healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 20, intervalMs: 250 },
      },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.app.id as string;
  try {
    const done = await waitForDeployment({ cookie: owner.cookie }, team, name, created.body.deployment.id, 120_000);
    assert.equal(done.status, "live", done.reason);
    assert.ok(await until(() => deployments.some((d) => d.deploymentId === done.id && d.status === "live")), JSON.stringify(deployments));
    assert.ok(deployments.filter((d) => d.appId === id).every((d) => d.deploymentId === done.id));
    const running = containers.find((c) => c.appId === id && c.state === "running");
    assert.ok(running, JSON.stringify(containers));
    assert.ok(containers.some((c) => c.containerId === running.containerId && c.state === "creating"));
    assert.equal((await call("deleteApp", { cookie: owner.cookie, params: { team, app: name } })).status, 204);
    assert.ok(await until(() => containers.some((c) => c.containerId === running.containerId && c.state === "removed"), 60_000), JSON.stringify(containers));
  } finally {
    await call("deleteApp", { cookie: owner.cookie, params: { team, app: name } });
  }
});
