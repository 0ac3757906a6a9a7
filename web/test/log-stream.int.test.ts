// A container's output reaches a socket.io client end to end: runtime-host follows the container
// through the Engine API, writes the app's Redis stream and publishes; web relays to the viewers
// of the app's log room. A viewer that reconnects with the id of the last line it saw gets the
// rest without a gap or a duplicate; a member of another team gets nothing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { AppLogLine } from "@berth/core";
import { mergeNewer } from "@berth/core/log-merge";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import { waitForDeployment } from "./deploys.ts";
import { connect, record, type TestSocket, until } from "./sockets.ts";

let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let team: string;
let appId: string;
const app = "printer";
const sockets: TestSocket[] = [];

// busybox httpd answers the health check; the loop prints a numbered line to stdout every 100 ms
// and every fifth number to stderr as well.
const LOOP =
  'httpd -p 8080 -h /etc; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); echo "n=$i"; if [ $((i % 5)) -eq 0 ]; then echo "e=$i" >&2; fi; sleep 0.1; done';

/** A viewer as the dashboard does it: live lines that arrive before the history answer wait for it; everything goes through mergeNewer. */
async function follow(socket: TestSocket, after?: string) {
  const state = { lines: [] as AppLogLine[], lastId: after, acked: false };
  const early: AppLogLine[] = [];
  socket.on("app.log", (p) => {
    if (p.appId !== appId) return;
    if (!state.acked) {
      early.push(...p.lines);
      return;
    }
    const merged = mergeNewer(state.lastId, p.lines);
    state.lines.push(...merged.lines);
    state.lastId = merged.lastId;
  });
  const ack = await socket.timeout(10_000).emitWithAck("logs.follow", after ? { appId, after } : { appId, tail: 20 });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  if (!ack.ok) throw new Error("unreachable");
  assert.equal(ack.more, false);
  const merged = mergeNewer(state.lastId, ack.lines, early);
  state.lines.push(...merged.lines);
  state.lastId = merged.lastId;
  state.acked = true;
  return state;
}

const numbers = (lines: AppLogLine[], prefix: string) => lines.filter((l) => l.text.startsWith(prefix)).map((l) => Number(l.text.slice(prefix.length)));

before(async () => {
  [owner, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp()]);
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  await teamWith(outsider);
  const created = await call("createApp", {
    cookie: owner.cookie,
    params: { team },
    body: {
      name: app,
      image: `${stack.registryHost}/berth/busybox:latest`,
      deploy: true,
      config: { port: 8080, memoryMb: 32, cmd: ["sh", "-c", LOOP], healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 40, intervalMs: 250 } },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  appId = created.body.app.id;
  const done = await waitForDeployment({ cookie: owner.cookie }, team, app, created.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
});

after(async () => {
  for (const s of sockets) s.close();
  if (owner) await call("deleteApp", { cookie: owner.cookie, params: { team, app } });
});

test("a line printed in the container reaches a viewer live, marked with its stream", async () => {
  const s = await connect({ cookie: viewer.cookie });
  sockets.push(s);
  const seen = await follow(s);
  const firstLive = seen.lines.length;
  assert.ok(await until(() => numbers(seen.lines.slice(firstLive), "e=").length >= 1, 15_000), "a stderr line arrives live");
  const out = seen.lines.find((l) => l.text.startsWith("n="));
  const err = seen.lines.find((l) => l.text.startsWith("e="));
  assert.equal(out?.stream, "stdout");
  assert.equal(err?.stream, "stderr");
  assert.match(out?.container ?? "", /^[0-9a-f]{12}$/);
  assert.ok(out?.replica.includes(app), out?.replica);
  s.close();
});

test("a viewer that reconnects with its last line id misses nothing and sees nothing twice", async () => {
  const first = await connect({ cookie: viewer.cookie });
  sockets.push(first);
  const before = await follow(first);
  assert.ok(await until(() => numbers(before.lines, "n=").length >= 10, 15_000), "lines arrive");
  first.close();
  const lastId = before.lastId;
  assert.ok(lastId);
  const seenBefore = [...before.lines];
  // The container goes on printing while no one watches (about 15 lines).
  await sleep(1_500);

  // Back with an access token this time (the CLI's way).
  const token = await call("createToken", { cookie: viewer.cookie, body: { name: `logs-${rand()}`, scopes: ["apps:deploy"] } });
  assert.equal(token.status, 201, JSON.stringify(token.body));
  const second = await connect({ token: token.body.secret });
  sockets.push(second);
  const resumed = await follow(second, lastId);
  const caughtUp = numbers(resumed.lines, "n=");
  assert.ok(caughtUp.length >= 5, `the history answer holds what was printed meanwhile: ${caughtUp.join(",")}`);
  assert.ok(await until(() => numbers(resumed.lines, "n=").length >= caughtUp.length + 5, 15_000), "live lines follow");

  const all = numbers([...seenBefore, ...resumed.lines], "n=");
  const expected = Array.from({ length: all.length }, (_, i) => (all[0] ?? 0) + i);
  assert.deepEqual(all, expected, "stdout numbers are contiguous: no gap, no duplicate");
  const ids = [...seenBefore, ...resumed.lines].map((l) => l.id);
  assert.equal(new Set(ids).size, ids.length);
});

test("a member of another team cannot follow the app's log and receives none of its lines", async () => {
  const stranger = await connect({ cookie: outsider.cookie });
  sockets.push(stranger);
  const got = record(stranger, "app.log");
  const ack = await stranger.timeout(10_000).emitWithAck("logs.follow", { appId });
  assert.deepEqual(ack.ok ? ack : { ok: ack.ok, code: ack.code }, { ok: false, code: "FORBIDDEN" });
  // The container prints about 10 lines a second meanwhile.
  await sleep(1_500);
  assert.equal(got.length, 0);

  // A member of the team, watching at the same time, does get them (the wait above was long enough).
  const member = await connect({ cookie: viewer.cookie });
  sockets.push(member);
  const seen = await follow(member);
  const n = seen.lines.length;
  assert.ok(await until(() => seen.lines.length > n, 5_000));
});
