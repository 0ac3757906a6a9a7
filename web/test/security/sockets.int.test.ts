// Sockets lose their rights within 5 s (issue 14, item 6), on the real stack: a socket kept open
// across a token's revocation, a member's removal, a role change and a sign-out stops receiving
// what it no longer may see, its terminal is closed, and it can subscribe to nothing new — whether
// web heard of the change (the rights-changed event) or not (the credential is resolved again on
// every subscription and terminal open).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOMS, type ServerToClientEvents, type TerminalOpenAck } from "@berth/core";
import { createDb, type Db } from "@berth/db";
import { Redis } from "ioredis";
import { RECHECK_MS } from "../../src/server/sockets/socket-rights.ts";
import { call, rand, signInAs, signUp, type TestUser, teamWith } from "../api.ts";
import { stack } from "../config.ts";
import { waitForDeployment } from "../deploys.ts";
import { connect, fakeLine, publishLines, record, subscribe, type TestSocket, until } from "../sockets.ts";

/** The deadline; measured figures are printed as diagnostics. */
const DEADLINE_MS = 5_000;
const IMAGE = `${stack.registryHost}/berth/busybox:latest`;

type Revoked = Parameters<ServerToClientEvents["revoked"]>[0];

let owner: TestUser;
let dev: TestUser;
let team: string;
let appId: string;
let containerId: string;
let redis: Redis;
let db: Db;
const sockets: TestSocket[] = [];
const figures: Record<string, number> = {};

const open = async (auth: { cookie?: string; token?: string }) => {
  const s = await connect(auth);
  sockets.push(s);
  return s;
};
const tokenOf = async (user: TestUser, scopes: string[]) => {
  const res = await call("createToken", { cookie: user.cookie, body: { name: `sock-${rand()}`, scopes } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.token.id as string, secret: res.body.secret as string };
};
let seq = 0;
const nextId = () => `${Date.now() + 10_000_000}-${++seq}`;

/** Follows the app's log and proves a line gets through (so "nothing arrives" later means something). */
async function following(s: TestSocket) {
  const ack = await s.timeout(10_000).emitWithAck("logs.follow", { appId, tail: 0 });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  const got = record(s, "app.log");
  await publishLines(redis, appId, [fakeLine(nextId(), "before")]);
  assert.ok(await until(() => got.length === 1), "the line before the change arrives");
  return got;
}

/** Publishes a line after the change and checks it never arrives. */
async function receivesNothingMore(got: unknown[]) {
  const before = got.length;
  await publishLines(redis, appId, [fakeLine(nextId(), "after")]);
  await sleep(500);
  assert.equal(got.length, before, "no line arrives after the change");
}

const revokedEvents = (s: TestSocket) => record(s, "revoked") as Revoked[];
const disconnected = (s: TestSocket) => {
  const state = { at: 0, reason: "" };
  s.on("disconnect", (reason) => {
    state.at = Date.now();
    state.reason = reason;
  });
  return state;
};

const openTerminal = (s: TestSocket): Promise<TerminalOpenAck> => s.timeout(15_000).emitWithAck("terminal.open", { team, containerId, cols: 80, rows: 24 });

before(async () => {
  redis = new Redis(stack.redisUrl);
  db = createDb(stack.databaseUrl, { max: 2 });
  [owner, dev] = await Promise.all([signUp(), signUp()]);
  team = await teamWith(owner, []);
  const config = {
    port: 8080,
    cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
    healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 20, intervalMs: 250 },
  };
  const r = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: "held", image: IMAGE, config, deploy: true } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  appId = r.body.app.id;
  const done = await waitForDeployment({ cookie: owner.cookie }, team, "held", r.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
  const list = await call("listContainers", { cookie: owner.cookie, params: { team }, query: { app: "held" } });
  containerId = list.body.containers[0].id;
});

after(async () => {
  for (const s of sockets) s.close();
  if (owner) await call("deleteApp", { cookie: owner.cookie, params: { team, app: "held" } });
  if (owner) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  console.log(`# socket revocation, ms from the request that took the right away to the socket's loss: ${JSON.stringify(figures)}`);
  redis?.disconnect();
  await db?.$disconnect();
});

describe("a revoked access token", () => {
  test("disconnects its socket within 5 s, with the reason; the token then connects no more", async () => {
    const token = await tokenOf(owner, ["admin"]);
    const s = await open({ token: token.secret });
    const got = await following(s);
    assert.deepEqual(await subscribe(s, ROOMS.app(appId)), { ok: true });
    const revoked = revokedEvents(s);
    const gone = disconnected(s);

    const t0 = Date.now();
    const res = await call("revokeToken", { cookie: owner.cookie, params: { id: token.id } });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.ok(await until(() => gone.at > 0, DEADLINE_MS), "the socket is disconnected within 5 s");
    figures.tokenRevoked = gone.at - t0;
    assert.ok((figures.tokenRevoked ?? Infinity) < DEADLINE_MS, `within 5 s of the request (${figures.tokenRevoked} ms)`);
    assert.equal(gone.reason, "io server disconnect");
    assert.equal(revoked[0]?.what, "connection");
    assert.match(revoked[0]?.message ?? "", /revoked/);
    await receivesNothingMore(got);
    await assert.rejects(connect({ token: token.secret }), /UNAUTHENTICATED/);
  });

  test("is refused on the next subscription and terminal open even when web never heard of the revocation", async () => {
    const token = await tokenOf(owner, ["admin"]);
    const s = await open({ token: token.secret });
    const got = await following(s);
    const revoked = revokedEvents(s);
    // Behind web's back: no rights-changed event, so only the per-request re-check can notice.
    await db.accessToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    const term = await openTerminal(s).catch(() => null);
    assert.equal(term?.ok, false, "no terminal for a revoked token");
    assert.equal(term && !term.ok && term.code, "UNAUTHENTICATED");
    assert.ok(await until(() => !s.connected, 2_000), "and the socket is dropped");
    assert.equal(revoked[0]?.what, "connection");
    await receivesNothingMore(got);
  });
});

describe("a member removed from the team", () => {
  test("loses the app's rooms and terminal within 5 s on a session socket and on a token socket, and can join nothing new", async () => {
    const member = await signUp();
    const slugTeam = team;
    const inv = await call("createInvitation", { cookie: owner.cookie, params: { team: slugTeam }, body: { role: "developer" } });
    assert.equal((await call("acceptInvitation", { cookie: member.cookie, body: { token: inv.body.token } })).status, 200);
    const token = await tokenOf(member, ["admin"]);
    const bySession = await open({ cookie: member.cookie });
    const byToken = await open({ token: token.secret });
    const logs = [await following(bySession), await following(byToken)];
    assert.deepEqual(await subscribe(bySession, ROOMS.app(appId)), { ok: true });
    const term = await openTerminal(bySession);
    assert.ok(term.ok, JSON.stringify(term));
    const sessionId = term.sessionId;
    const exits: { sessionId: string; reason: string | null; at: number }[] = [];
    bySession.on("terminal.exit", (p) => exits.push({ sessionId: p.sessionId, reason: p.reason, at: Date.now() }));
    const revoked = [revokedEvents(bySession), revokedEvents(byToken)];
    const updates = record(bySession, "container.updated");

    const t0 = Date.now();
    const res = await call("removeMember", { cookie: owner.cookie, params: { team: slugTeam, userId: member.id } });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    const roomsGone = (r: Revoked[]) => r.some((e) => e.what === "room" && e.room === ROOMS.logs(appId));
    assert.ok(
      await until(() => roomsGone(revoked[0] ?? []) && roomsGone(revoked[1] ?? []) && exits.length === 1, DEADLINE_MS),
      "rooms and terminal dropped within 5 s",
    );
    figures.memberRemoved = Date.now() - t0;
    assert.ok((figures.memberRemoved ?? Infinity) < DEADLINE_MS, `within 5 s of the request (${figures.memberRemoved} ms)`);
    assert.ok(
      revoked[0]?.some((e) => e.what === "room" && e.room === ROOMS.app(appId)),
      "the app room is left too",
    );
    assert.ok(revoked[0]?.some((e) => e.what === "terminal" && e.sessionId === sessionId));
    assert.match(exits[0]?.reason ?? "", /revoked/);
    assert.match(revoked[0]?.find((e) => e.what === "room")?.message ?? "", /no longer a member/);
    // The session itself is still valid: the socket stays, but holds nothing of the team.
    assert.ok(bySession.connected && byToken.connected);
    for (const got of logs) await receivesNothingMore(got);
    await redis.publish(
      "berth:events",
      JSON.stringify({ type: "container.updated", room: ROOMS.app(appId), payload: { version: 1, appId, containerId: "c", state: "running" } }),
    );
    await sleep(300);
    assert.equal(updates.length, 0, "no app event reaches the removed member");
    for (const s of [bySession, byToken]) {
      assert.deepEqual(await subscribe(s, ROOMS.logs(appId)), { ok: false, code: "FORBIDDEN" });
      const follow = await s.timeout(10_000).emitWithAck("logs.follow", { appId });
      assert.equal(!follow.ok && follow.code, "FORBIDDEN");
      const again = await openTerminal(s);
      assert.equal(!again.ok && again.code, "NOT_FOUND");
    }
  });

  test("a developer made viewer keeps the log but loses the terminal within 5 s", async () => {
    const inv = await call("createInvitation", { cookie: owner.cookie, params: { team }, body: { role: "developer" } });
    assert.equal((await call("acceptInvitation", { cookie: dev.cookie, body: { token: inv.body.token } })).status, 200);
    const s = await open({ cookie: dev.cookie });
    const got = await following(s);
    const term = await openTerminal(s);
    assert.ok(term.ok, JSON.stringify(term));
    const exits: string[] = [];
    s.on("terminal.exit", (p) => exits.push(p.sessionId));

    const t0 = Date.now();
    const res = await call("updateMember", { cookie: owner.cookie, params: { team, userId: dev.id }, body: { role: "viewer" } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(await until(() => exits.length === 1, DEADLINE_MS), "the terminal is closed within 5 s");
    figures.roleChanged = Date.now() - t0;
    assert.ok((figures.roleChanged ?? Infinity) < DEADLINE_MS, `within 5 s of the request (${figures.roleChanged} ms)`);
    assert.equal(exits[0], term.ok && term.sessionId);
    const again = await openTerminal(s);
    assert.equal(!again.ok && again.code, "FORBIDDEN");
    // A viewer still reads logs.
    await publishLines(redis, appId, [fakeLine(nextId(), "still")]);
    assert.ok(await until(() => got.length === 2), "the viewer keeps the log");
  });
});

describe("the periodic re-check", () => {
  test("drops a socket whose session ended without web hearing of it (expired, deleted) within the re-check period", async () => {
    const user = await signUp();
    const s = await open({ cookie: user.cookie });
    assert.deepEqual(await subscribe(s, ROOMS.hosts), { ok: true });
    const revoked = revokedEvents(s);
    const gone = disconnected(s);
    // As an expiry would: the row goes, no hook runs, no event is published.
    await db.session.deleteMany({ where: { userId: user.id } });
    const t0 = Date.now();
    assert.ok(await until(() => gone.at > 0, RECHECK_MS + 5_000), "dropped by the periodic re-check");
    figures.periodic = gone.at - t0;
    assert.equal(revoked[0]?.what, "connection");
  });
});

describe("a signed-out session", () => {
  test("disconnects its sockets within 5 s; the cookie connects no more; another session of the same user is untouched", async () => {
    const user = await signUp();
    const invited = await call("createInvitation", { cookie: owner.cookie, params: { team }, body: { role: "viewer" } });
    assert.equal((await call("acceptInvitation", { cookie: user.cookie, body: { token: invited.body.token } })).status, 200);
    const second = await signInAs(user.email, user.password);
    const s = await open({ cookie: user.cookie });
    const other = await open({ cookie: second });
    const got = await following(s);
    await following(other);
    const revoked = revokedEvents(s);
    const gone = disconnected(s);

    const t0 = Date.now();
    const out = await fetch(`${stack.webUrl}/api/auth/sign-out`, {
      method: "POST",
      headers: { cookie: user.cookie, origin: stack.webUrl, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(out.status, 200, await out.text());
    assert.ok(await until(() => gone.at > 0, DEADLINE_MS), "the socket is disconnected within 5 s");
    figures.signedOut = gone.at - t0;
    assert.ok((figures.signedOut ?? Infinity) < DEADLINE_MS, `within 5 s of the request (${figures.signedOut} ms)`);
    assert.equal(revoked[0]?.what, "connection");
    assert.match(revoked[0]?.message ?? "", /session ended/);
    await receivesNothingMore(got);
    await assert.rejects(connect({ cookie: user.cookie }), /UNAUTHENTICATED/);
    assert.ok(other.connected, "the user's other session keeps its socket");
    assert.deepEqual(await subscribe(other, ROOMS.logs(appId)), { ok: true });
  });
});
