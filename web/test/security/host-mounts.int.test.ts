// Issue 14, item 4: an app that mounts a host path is the instance admins' alone. A developer of its
// team tries every way of putting new code or new env into its containers — a one-off command, a
// terminal, LD_PRELOAD, a commit, a push to the tag it deploys, a deploy, a rollback, a config change,
// a build upload, a repository deploy, the repository's push webhook, a git push — and each is
// refused (403 with a message that says why) with nothing changed; the admin can (positive control).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ClientToServerEvents, ServerToClientEvents, TerminalOpenAck } from "@berth/core";
import { io, type Socket } from "socket.io-client";
import { call, fakeIp, rand, signUp, type TestUser, teamWith } from "../api.ts";
import { signIn, stack } from "../config.ts";
import { deliverRepoWebhook, tarOf, uploadBuild, waitForDeployment } from "../deploys.ts";
import { BASE_IMAGE, pushImage, skopeoCopy, tagRow } from "../registry.ts";
import { sql } from "../sql.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const app = "ops";
const MOUNTS = /app ops mounts host paths or the Docker socket: only an instance admin/;
let adminCookie: string;
let owner: TestUser;
let dev: TestUser;
let team: string;
let appId: string;
let containerId: string;
const sockets: Client[] = [];
const asDev = () => ({ cookie: dev.cookie });
const asAdmin = () => ({ cookie: adminCookie });

async function connect(cookie: string): Promise<Client> {
  const socket: Client = io(stack.webUrl, { path: "/socket.io", transports: ["websocket"], reconnection: false, extraHeaders: { cookie } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
  return socket;
}

/** What must not change when a developer is refused: deployments, releases, env, config, image. */
async function snapshot() {
  const [deployments, releases, appView] = await Promise.all([
    call("listDeployments", { ...asAdmin(), params: { team, app } }),
    call("listReleases", { ...asAdmin(), params: { team, app } }),
    call("getApp", { ...asAdmin(), params: { team, app } }),
  ]);
  const [row] = await sql<{ config: unknown; imageRef: string; repoUrl: string | null }>(`SELECT config, "imageRef", "repoUrl" FROM app WHERE id = $1`, [
    appId,
  ]);
  const env = await sql(`SELECT key, value FROM env_var WHERE "appId" = $1 ORDER BY key`, [appId]);
  const commands = await sql(
    `SELECT count(*)::int AS n FROM audit_event WHERE action = 'app.command_run' AND target = $1 AND "teamId" = (SELECT id FROM team WHERE slug = $2)`,
    [app, team],
  );
  return {
    deployments: deployments.body.deployments.map((d: { id: string }) => d.id),
    releases: releases.body.releases.map((r: { version: number }) => r.version),
    env: appView.body.env,
    row,
    envRows: env,
    commands,
  };
}

function refused(r: { status: number; body: { error?: { message?: string } } }, what: string) {
  assert.equal(r.status, 403, `${what}: ${JSON.stringify(r.body)}`);
  assert.match(r.body.error?.message ?? "", MOUNTS, what);
}

before(async () => {
  adminCookie = await signIn(stack.adminEmail, stack.adminPassword);
  [owner, dev] = await Promise.all([signUp(), signUp()]);
  team = await teamWith(owner, [{ user: dev, role: "developer" }]);
  // The admin joins the team to set the app up, as an admin of the team's would.
  const inv = await call("createInvitation", { cookie: owner.cookie, params: { team }, body: { role: "admin" } });
  assert.equal(inv.status, 201, JSON.stringify(inv.body));
  const acc = await call("acceptInvitation", { ...asAdmin(), body: { token: inv.body.token } });
  assert.equal(acc.status, 200, JSON.stringify(acc.body));

  await pushImage({ user: owner, image: `${team}/${app}:1` });
  const config = {
    port: 8080,
    cmd: ["busybox", "httpd", "-f", "-p", "8080", "-h", "/etc"],
    healthCheck: { type: "http", path: "/passwd", timeoutS: 2, attempts: 40, intervalMs: 250 },
    binds: [{ source: "/tmp", target: "/host-tmp", readOnly: true }],
  };
  const r = await call("createApp", {
    ...asAdmin(),
    params: { team },
    body: { name: app, image: `${stack.registryHost}/${team}/${app}:1`, config, deploy: true },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  appId = r.body.app.id;
  const done = await waitForDeployment(asAdmin(), team, app, r.body.deployment.id, 120_000);
  assert.equal(done.status, "live", done.reason);
  // A second release, so there is one to roll back to.
  const env = await call("setEnv", { ...asAdmin(), params: { team, app }, body: { set: { GREETING: { value: "hello", secret: false } }, unset: [] } });
  assert.equal(env.status, 200, JSON.stringify(env.body));
  assert.equal((await waitForDeployment(asAdmin(), team, app, env.body.deployment.id, 120_000)).status, "live");
  const list = await call("listContainers", { ...asAdmin(), params: { team }, query: { app } });
  // v1's replica may still be draining: the live one is v2's.
  const live = list.body.containers.find((c: { releaseVersion: number; state: string }) => c.releaseVersion === 2 && c.state === "running");
  assert.ok(live, JSON.stringify(list.body));
  containerId = live.id;
});

after(async () => {
  for (const s of sockets) s.disconnect();
  if (team) await call("deleteTeam", { cookie: owner.cookie, params: { team } });
});

describe("a developer and an app with host mounts", () => {
  it("cannot run a one-off command, open a terminal, set LD_PRELOAD or commit its container", async () => {
    const before = await snapshot();
    refused(await call("runCommand", { ...asDev(), params: { team, app }, body: { cmd: ["cat", "/host-tmp/x"], timeoutS: 10 } }), "one-off command");

    const socket = await connect(dev.cookie);
    const ack: TerminalOpenAck = await socket.timeout(10_000).emitWithAck("terminal.open", { team, containerId, cols: 80, rows: 24 });
    assert.equal(ack.ok, false, JSON.stringify(ack));
    assert.match(JSON.stringify(ack), MOUNTS);

    refused(
      await call("setEnv", { ...asDev(), params: { team, app }, body: { set: { LD_PRELOAD: { value: "/host-tmp/evil.so", secret: false } }, unset: [] } }),
      "LD_PRELOAD",
    );
    refused(await call("setEnv", { ...asDev(), params: { team, app }, body: { set: {}, unset: ["GREETING"] } }), "unset env");
    refused(await call("commitContainer", { ...asDev(), params: { team, id: containerId }, body: { repository: app, tag: "1" } }), "commit");
    assert.deepEqual(await snapshot(), before, "nothing changed");
  });

  it("cannot deploy, redeploy, roll back, build, deploy its repository or change its config", async () => {
    // The admin gives it a repository first (the webhook and repository deploy need one).
    const repo = await call("updateApp", { ...asAdmin(), params: { team, app }, body: { repository: { url: "https://git.example.test/ops.git" } } });
    if (repo.status !== 200) await sql(`UPDATE app SET "repoUrl" = 'https://git.example.test/ops.git', "repoBranch" = 'main' WHERE id = $1`, [appId]);
    const before = await snapshot();
    refused(await call("createDeployment", { ...asDev(), params: { team, app }, body: {} }), "redeploy of the same tag");
    refused(await call("createDeployment", { ...asDev(), params: { team, app }, body: { image: BASE_IMAGE } }), "deploy of another image");
    refused(await call("rollback", { ...asDev(), params: { team, app, version: "1" } }), "rollback");
    refused(await call("updateApp", { ...asDev(), params: { team, app }, body: { config: { replicas: 2 } } }), "config change");
    refused(await call("updateApp", { ...asDev(), params: { team, app }, body: { config: { cmd: ["sh", "-c", "cat /host-tmp/*"] } } }), "command change");
    refused(await call("updateApp", { ...asDev(), params: { team, app }, body: { config: { binds: [] } } }), "mounts removed");
    refused(await call("updateApp", { ...asDev(), params: { team, app }, body: { image: BASE_IMAGE } }), "image change");
    refused(
      await call("updateApp", { ...asDev(), params: { team, app }, body: { repository: { url: "https://git.example.test/evil.git" } } }),
      "repository change",
    );
    refused(await uploadBuild(asDev(), team, app, tarOf(`${import.meta.dirname}/../../../examples/node-http`)), "build upload");
    refused(await call("deployRepository", { ...asDev(), params: { team, app }, body: {} }), "repository deploy");
    assert.deepEqual(await snapshot(), before, "nothing changed");
  });

  it("cannot move the tag it deploys: the registry grants a developer no push to it, and a push is denied", async () => {
    const before = await tagRow(`${team}/${app}`, "1");
    assert.ok(before);
    const pushed = await skopeoCopy(`${team}/${app}:1`, `${dev.username}:${dev.password}`);
    assert.notEqual(pushed.code, 0, pushed.out);
    assert.match(pushed.out, /denied|unauthorized/i);
    // The token server's answer itself: pull yes, push no.
    const scope = `repository:${team}/${app}:pull,push`;
    const res = await fetch(`${stack.webUrl}/api/registry/token?service=${encodeURIComponent(stack.registryService)}&scope=${encodeURIComponent(scope)}`, {
      headers: { authorization: `Basic ${Buffer.from(`${dev.username}:${dev.password}`).toString("base64")}`, "x-forwarded-for": fakeIp() },
    });
    assert.equal(res.status, 200);
    const token = ((await res.json()) as { token: string }).token;
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { access: { name: string; actions: string[] }[] };
    assert.deepEqual(claims.access, [{ type: "repository", name: `${team}/${app}`, actions: ["pull"] }]);
    // Another repository of the team stays the developer's to push.
    const other = await skopeoCopy(`${team}/scratch-${rand()}:1`, `${dev.username}:${dev.password}`);
    assert.equal(other.code, 0, other.out);
    assert.deepEqual(await tagRow(`${team}/${app}`, "1"), before, "the tag did not move");
  });

  it("cannot push code to it with git, nor deploy it through the repository's push webhook", async () => {
    const before = await snapshot();
    const git = await fetch(`${stack.webUrl}/git/${team}/${app}.git/info/refs?service=git-receive-pack`, {
      headers: { authorization: `Basic ${Buffer.from(`${dev.username}:${dev.password}`).toString("base64")}`, "x-forwarded-for": fakeIp() },
    });
    assert.equal(git.status, 403);
    assert.match(await git.text(), MOUNTS);

    // A developer may rotate the secret, so a signed delivery is well within reach: it is refused anyway.
    const rotated = await call("rotateWebhookSecret", { ...asDev(), params: { team, app } });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const res = await deliverRepoWebhook(appId, "push", { ref: "refs/heads/main", after: "a".repeat(40) }, rotated.body.secret);
    const answer = res.body as { error?: { message?: string } };
    assert.equal(res.status, 403, JSON.stringify(answer));
    assert.match(answer.error?.message ?? "", /only an instance admin, by hand \(not through a webhook\) may deploy it/);
    const audit = await call("teamAudit", { cookie: owner.cookie, params: { team }, query: { limit: "200" } });
    assert.ok(
      audit.body.events.some((e: { action: string }) => e.action === "app.webhook_refused"),
      "the refusal is in the team's audit log",
    );
    assert.deepEqual(await snapshot(), before, "nothing changed");
  });
});

describe("an instance admin and the same app (positive control)", () => {
  it("runs a command, opens a terminal, sets env and redeploys", async () => {
    const ran = await call("runCommand", { ...asAdmin(), params: { team, app }, body: { cmd: ["echo", "ok"], timeoutS: 30 } });
    assert.equal(ran.status, 200, JSON.stringify(ran.body));
    assert.equal(ran.body.exitCode, 0);

    const socket = await connect(adminCookie);
    const ack: TerminalOpenAck = await socket.timeout(10_000).emitWithAck("terminal.open", { team, containerId, cols: 80, rows: 24 });
    assert.ok(ack.ok, JSON.stringify(ack));
    if (ack.ok) socket.emit("terminal.close", ack.sessionId);

    const env = await call("setEnv", {
      ...asAdmin(),
      params: { team, app },
      body: { set: { LD_PRELOAD: { value: "/nonexistent.so", secret: false } }, unset: [] },
    });
    assert.equal(env.status, 200, JSON.stringify(env.body));
    assert.equal((await waitForDeployment(asAdmin(), team, app, env.body.deployment.id, 120_000)).status, "live");

    const d = await call("createDeployment", { ...asAdmin(), params: { team, app }, body: {} });
    assert.equal(d.status, 201, JSON.stringify(d.body));
    assert.equal((await waitForDeployment(asAdmin(), team, app, d.body.id, 120_000)).status, "live");
  });
});
