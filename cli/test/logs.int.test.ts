// `berth logs`: the real executable against the running stack. Lines are written to the app's
// Redis stream in runtime-host's shape (and announced on the bus as runtime-host does).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { deployLog } from "@berth/control/deployments/deploy-log";
import { setDeploymentStatus } from "@berth/control/deployments/set-deployment-status";
import { type AppLogLine, appLogKey, type BusMessage, deployLogKey, EVENTS_CHANNEL, LOG_ARCHIVE_CURSORS, LOG_ARCHIVE_SET, ROOMS } from "@berth/core";
import { createDb } from "@berth/db";
import { Redis } from "ioredis";
import pg from "pg";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { stack } from "../../web/test/config.ts";
import { runBerth, startBerth } from "./run-cli.ts";

const scratch = mkdtempSync(join(tmpdir(), "berth-cli-logs-"));
const redis = new Redis(stack.redisUrl);
let owner: TestUser;
let team: string;
let token: string;
let appId: string;
const app = "talker";
const keys: string[] = [];

const berth = (args: string[]) => runBerth(scratch, args, token);

async function writeLine(line: { replica: string; stream: "o" | "e"; text: string }, key = appLogKey(appId)): Promise<AppLogLine> {
  const ts = Date.now();
  const id = String(
    await redis.xadd(key, "*", "c", `${line.replica.padEnd(12, "0")}`.slice(0, 12), "r", line.replica, "s", line.stream, "ts", String(ts), "t", line.text),
  );
  await redis.sadd(LOG_ARCHIVE_SET, key);
  return {
    id,
    ts: new Date(ts).toISOString(),
    container: line.replica.padEnd(12, "0").slice(0, 12),
    replica: line.replica,
    stream: line.stream === "e" ? "stderr" : "stdout",
    text: line.text,
  };
}

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
  token = (await call("createToken", { cookie: owner.cookie, body: { name: "cli", scopes: ["apps:deploy"] } })).body.secret;
  const created = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: app } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  appId = created.body.app.id;
  keys.push(appLogKey(appId));
  await writeLine({ replica: "talker-1", stream: "o", text: "hello \x1b[32mgreen\x1b[0m \x1b[2J\x1b]0;pwned\x07world" });
  await writeLine({ replica: "talker-2", stream: "e", text: "Error: disk FULL" });
  await writeLine({ replica: "talker-1", stream: "o", text: "GET /health 200" });
});

after(async () => {
  await redis.del(...keys);
  await redis.hdel(LOG_ARCHIVE_CURSORS, ...keys);
  await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  redis.disconnect();
  rmSync(scratch, { recursive: true, force: true });
});

describe("berth logs", () => {
  it("prints the app's lines with time, replica and a stderr mark, escape sequences removed", async () => {
    const r = await berth(["logs", `${team}/${app}`]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 3, r.stdout);
    assert.match(lines[0] as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} talker-1 hello green world$/);
    assert.match(lines[1] as string, / talker-2 \[stderr\] Error: disk FULL$/);
    assert.equal(r.stdout.includes("\x1b"), false);
  });

  it("filters with --grep (any case), --container and --tail", async () => {
    const grep = await berth(["logs", `${team}/${app}`, "--grep", "disk full"]);
    assert.equal(grep.code, 0, grep.stderr);
    assert.deepEqual(
      grep.stdout
        .trimEnd()
        .split("\n")
        .map((l) => l.replace(/^\S+ \S+ /, "")),
      ["talker-2 [stderr] Error: disk FULL"],
    );
    const container = await berth(["logs", `${team}/${app}`, "--container", "talker-1", "-n", "1"]);
    assert.match(container.stdout.trimEnd(), /talker-1 GET \/health 200$/);
    assert.equal(container.stdout.trimEnd().split("\n").length, 1);
    const bad = await berth(["logs", `${team}/${app}`, "--since", "yesterday"]);
    assert.equal(bad.code, 2);
  });

  it("follows new lines until Ctrl-C", async () => {
    const { child, out, closed } = startBerth(scratch, ["logs", `${team}/${app}`, "-f", "-n", "1"], token);
    try {
      for (let i = 0; i < 100 && !out.stdout.includes("GET /health"); i++) await sleep(100);
      assert.match(out.stdout, /GET \/health 200/, out.stderr);
      // Give the socket time to join before the live line (the history answer covers a race anyway).
      const live = await writeLine({ replica: "talker-2", stream: "o", text: `live ${randomUUID()}` });
      const message: BusMessage = { type: "app.log", room: ROOMS.logs(appId), payload: { version: 1, appId, lines: [live] } };
      for (let i = 0; i < 100 && !out.stdout.includes(live.text); i++) {
        if (i % 10 === 0) await redis.publish(EVENTS_CHANNEL, JSON.stringify(message));
        await sleep(100);
      }
      assert.ok(out.stdout.includes(live.text), `out.stdout: ${out.stdout}\nout.stderr: ${out.stderr}`);
      assert.equal(out.stdout.split(live.text).length, 2, "the live line printed once");
    } finally {
      child.kill("SIGINT");
    }
    assert.equal(await closed, 0, out.stderr);
  });

  it("prints a deployment's log with --build, also once Redis has forgotten it", async () => {
    const id = randomUUID();
    const c = new pg.Client({ connectionString: stack.databaseUrl });
    await c.connect();
    await c.query(`INSERT INTO deployment (id, "appId", kind, "imageRef", status) VALUES ($1, $2, 'image', 'x', 'failed')`, [id, appId]);
    await c.end();
    const key = deployLogKey(id);
    keys.push(key);
    const last = String(await redis.xadd(key, "*", "t", "Step 1/2 : FROM \x1b[1mbase\x1b[0m"));
    await redis.xadd(key, "*", "t", "Step 2/2 : RUN false");
    const second = String((await redis.xrevrange(key, "+", "-", "COUNT", 1))[0]?.[0]);
    await redis.sadd(LOG_ARCHIVE_SET, key);
    assert.ok(last);
    const fresh = await berth(["logs", `${team}/${app}`, "--build", id]);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.equal(fresh.stdout, "Step 1/2 : FROM base\nStep 2/2 : RUN false\n");

    for (let i = 0; i < 100 && (await redis.hget(LOG_ARCHIVE_CURSORS, key)) !== second; i++) await sleep(100);
    assert.equal(await redis.hget(LOG_ARCHIVE_CURSORS, key), second, "archived");
    await redis.del(key);
    const archived = await berth(["logs", `${team}/${app}`, "--build", id.slice(0, 8)]);
    assert.equal(archived.code, 0, archived.stderr);
    assert.equal(archived.stdout, fresh.stdout);
  });

  it("follows a deployment's log with --build -f as it is written, until its outcome, and exits as it ended", async () => {
    const db = createDb(stack.databaseUrl, { max: 2 });
    const deps = { db, publisher: redis };
    try {
      // As a worker runs them (no owner: the reaper leaves them alone); their ends come through control, as the worker's do.
      const failing = await db.deployment.create({ data: { appId, kind: "image", imageRef: "x", status: "starting" } });
      keys.push(deployLogKey(failing.id));
      const log = deployLog(redis, appId, failing.id);
      await log.write("Pulling");
      const first = startBerth(scratch, ["logs", `${team}/${app}`, "--build", failing.id, "-f"], token);
      for (let i = 0; i < 100 && !first.out.stdout.includes("Pulling"); i++) await sleep(100);
      assert.equal(first.out.stdout, "Pulling\n", first.out.stderr);
      await log.write("Starting web-1");
      await setDeploymentStatus(deps, failing, "failed", { reason: "health check failed" });
      assert.equal(await first.closed, 1, first.out.stderr);
      assert.equal(first.out.stdout, "Pulling\nStarting web-1\n");
      assert.match(first.out.stderr, new RegExp(`deployment ${failing.id} ended failed: health check failed`));

      const release = await db.release.create({ data: { appId, version: 1, imageRef: `127.0.0.1:5000/${team}/${app}:1`, config: {} } });
      const going = await db.deployment.create({ data: { appId, kind: "image", imageRef: "x", status: "health_checking", releaseId: release.id } });
      keys.push(deployLogKey(going.id));
      const second = startBerth(scratch, ["logs", `${team}/${app}`, "--build", going.id.slice(0, 8), "-f"], token);
      await sleep(500);
      await deployLog(redis, appId, going.id).write("web-1: healthy");
      await setDeploymentStatus(deps, going, "live", { reason: null });
      assert.equal(await second.closed, 0, second.out.stderr);
      assert.equal(second.out.stdout, `web-1: healthy\nDeployment ${going.id} is live (release v1).\n`);
    } finally {
      await db.$disconnect();
    }
  });
});
