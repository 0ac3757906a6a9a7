// Browser terminals end to end on the real stack: socket.io to web, Redis to the container's
// runtime-host, `docker exec` with a TTY into a container of a deployed app.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ClientToServerEvents, ServerToClientEvents, TerminalOpenAck } from "@berth/core";
import { io, type Socket } from "socket.io-client";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import { waitForDeployment } from "./deploys.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const IMAGE = `${stack.registryHost}/berth/busybox:latest`;
const app = "shell";
let owner: TestUser;
let dev: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let team: string;
let otherTeam: string;
let containerId: string;
const sockets: Client[] = [];

/** A socket signed in with a session cookie or an access token; resolves once connected. */
async function connect(auth: { cookie?: string; token?: string }): Promise<Client> {
  const socket: Client = io(stack.webUrl, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
    auth: auth.token ? { token: auth.token } : {},
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
  return socket;
}

/** Everything a session prints, and its exit when it comes. */
function watch(socket: Client, sessionId: string) {
  const seen = { output: "", exit: null as null | { exitCode: number | null; reason: string | null } };
  socket.on("terminal.output", (p) => {
    if (p.sessionId === sessionId) seen.output += p.data;
  });
  socket.on("terminal.exit", (p) => {
    if (p.sessionId === sessionId) seen.exit = { exitCode: p.exitCode, reason: p.reason };
  });
  return seen;
}

const open = (socket: Client, req: { team: string; containerId: string; cols?: number; rows?: number }): Promise<TerminalOpenAck> =>
  socket.timeout(10_000).emitWithAck("terminal.open", { cols: 80, rows: 24, ...req });

/** Waits (bounded) until `check` holds. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000, describe = () => ""): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not seen within ${timeoutMs} ms ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function auditOf(action: string, sessionId: string) {
  const r = await call("teamAudit", { cookie: owner.cookie, params: { team }, query: { limit: "200" } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.events as { action: string; actor: string | null; target: string | null; data: Record<string, unknown> }[]).find(
    (e) => e.action === action && e.data?.sessionId === sessionId,
  );
}

/** The audit entry, once it is written (the close is recorded after the host reports the exit). */
async function auditEventually(action: string, sessionId: string, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await auditOf(action, sessionId);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no ${action} audit entry for ${sessionId} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  [owner, dev, viewer, outsider] = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
  team = await teamWith(owner, [
    { user: dev, role: "developer" },
    { user: viewer, role: "viewer" },
  ]);
  otherTeam = await teamWith(outsider);
  const config = {
    port: 8080,
    cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
    healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 20, intervalMs: 250 },
  };
  const r = await call("createApp", { cookie: dev.cookie, params: { team }, body: { name: app, image: IMAGE, config, deploy: true } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, app, r.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
  const list = await call("listContainers", { cookie: dev.cookie, params: { team }, query: { app } });
  assert.equal(list.body.containers.length, 1, JSON.stringify(list.body));
  containerId = list.body.containers[0].id;
});

after(async () => {
  for (const s of sockets) s.disconnect();
  if (owner) await call("deleteApp", { cookie: owner.cookie, params: { team, app } });
});

test("a developer runs commands in the container's shell, resizes it, and sees its exit code", async () => {
  const socket = await connect({ cookie: dev.cookie });
  const ack = await open(socket, { team, containerId });
  assert.ok(ack.ok, JSON.stringify(ack));
  const seen = watch(socket, ack.sessionId);
  const shown = () => JSON.stringify(seen.output.slice(-400));

  socket.emit("terminal.input", ack.sessionId, "echo $((6*7))\n");
  // The echo of the typed line holds "6*7"; only the shell's answer is a line of its own.
  await until("the answer 42", () => /^42\r?$/m.test(seen.output), 10_000, shown);

  socket.emit("terminal.resize", ack.sessionId, 123, 45);
  socket.emit("terminal.input", ack.sessionId, "stty size\n");
  await until("the new size", () => /^45 123\r?$/m.test(seen.output), 10_000, shown);

  socket.emit("terminal.input", ack.sessionId, "exit 3\n");
  await until("the exit", () => seen.exit !== null, 10_000, shown);
  assert.deepEqual(seen.exit, { exitCode: 3, reason: null });

  const opened = await auditOf("container.terminal.open", ack.sessionId);
  assert.ok(opened, "the open is in the team's audit log");
  assert.equal(opened.actor, dev.email);
  assert.equal(opened.data.app, app);
  assert.equal(opened.data.containerId, containerId);
  assert.ok(typeof opened.data.hostId === "string" && opened.data.hostId.length > 0);
  const closed = await auditEventually("container.terminal.close", ack.sessionId);
  assert.equal(closed.data.exitCode, 3);
  assert.equal(typeof closed.data.durationMs, "number");
  assert.ok(!JSON.stringify([opened, closed]).includes("6*7"), "keystrokes are not recorded");
});

test("input for a session from another socket is ignored", async () => {
  const mineSocket = await connect({ cookie: dev.cookie });
  const other = await connect({ cookie: dev.cookie });
  const ack = await open(mineSocket, { team, containerId });
  assert.ok(ack.ok, JSON.stringify(ack));
  const seen = watch(mineSocket, ack.sessionId);
  const leaked = watch(other, ack.sessionId);
  other.emit("terminal.input", ack.sessionId, "echo intruder-$((2*21))\n");
  // An acknowledged round trip on the same socket: its input event has been handled by now.
  await other.timeout(5_000).emitWithAck("subscribe", "hosts");
  mineSocket.emit("terminal.input", ack.sessionId, "echo owner-$((5*5))\n");
  await until(
    "the owner's answer",
    () => /^owner-25\r?$/m.test(seen.output),
    10_000,
    () => JSON.stringify(seen.output),
  );
  assert.ok(!seen.output.includes("intruder"), "the other socket's keystrokes never reached the shell");
  assert.equal(leaked.output, "", "the other socket gets none of the output");
  mineSocket.emit("terminal.close", ack.sessionId);
  await until("the exit after close", () => seen.exit !== null);
  assert.equal(seen.exit?.reason, "closed");
});

test("a session is closed when its socket disconnects", async () => {
  const socket = await connect({ cookie: dev.cookie });
  const ack = await open(socket, { team, containerId });
  assert.ok(ack.ok, JSON.stringify(ack));
  socket.disconnect();
  const closed = await auditEventually("container.terminal.close", ack.sessionId);
  assert.equal(closed.data.reason, "closed");
});

test("a viewer is refused a terminal", async () => {
  const socket = await connect({ cookie: viewer.cookie });
  const ack = await open(socket, { team, containerId });
  assert.equal(ack.ok, false);
  assert.equal(!ack.ok && ack.code, "FORBIDDEN");
});

test("a member of another team cannot open the container, under either team's name", async () => {
  const socket = await connect({ cookie: outsider.cookie });
  for (const slug of [team, otherTeam]) {
    const ack = await open(socket, { team: slug, containerId });
    assert.equal(ack.ok, false, slug);
    assert.equal(!ack.ok && ack.code, "NOT_FOUND", slug);
  }
});

test("an access token needs a scope that covers containers.exec", async () => {
  const narrow = await call("createToken", { cookie: dev.cookie, body: { name: "deploy-only", scopes: ["apps:deploy"], expiresInDays: 1 } });
  assert.equal(narrow.status, 201, JSON.stringify(narrow.body));
  const refused = await open(await connect({ token: narrow.body.secret }), { team, containerId });
  assert.equal(!refused.ok && refused.code, "FORBIDDEN");
  const wide = await call("createToken", { cookie: dev.cookie, body: { name: "admin", scopes: ["admin"], expiresInDays: 1 } });
  assert.equal(wide.status, 201, JSON.stringify(wide.body));
  const socket = await connect({ token: wide.body.secret });
  const ack = await open(socket, { team, containerId });
  assert.ok(ack.ok, JSON.stringify(ack));
  const seen = watch(socket, ack.sessionId);
  socket.emit("terminal.input", ack.sessionId, "exit 0\n");
  await until("the exit", () => seen.exit !== null);
  assert.equal(seen.exit?.exitCode, 0);
});

test("a malformed request is refused without opening anything", async () => {
  const socket = await connect({ cookie: dev.cookie });
  const ack = await open(socket, { team, containerId: "not-a-uuid" });
  assert.equal(!ack.ok && ack.code, "BAD_REQUEST");
});
