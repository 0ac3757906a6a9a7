// The log archiver in the running worker: lines XADDed to an app's (or a deployment's) stream
// reach log_line once, across ticks and a lost cursor; retention deletes old rows; and once the
// stream is trimmed, the API reads the missing lines from Postgres.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { appLogKey, deployLogKey, LOG_ARCHIVE_CURSORS, LOG_ARCHIVE_SET } from "@berth/core";
import { createDb } from "@berth/db";
import { Redis } from "ioredis";
import { call, signUp, type TestUser, teamWith } from "../../web/test/api.ts";
import { stack } from "../../web/test/config.ts";
import { sql } from "../../web/test/sql.ts";
import { deleteOldLogLines } from "../src/logs/delete-old-log-lines.ts";

const redis = new Redis(stack.redisUrl);
const db = createDb(stack.databaseUrl, { max: 2 });
let owner: TestUser;
let team: string;
const keys: string[] = [];

async function newApp(): Promise<string> {
  const name = `l-${randomUUID().slice(0, 8)}`;
  const res = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.app.id as string;
}

/** Writes runtime lines the way runtime-host does: XADD in the contract's shape, then SADD the key. */
async function writeLines(appId: string, texts: string[]): Promise<string[]> {
  const key = appLogKey(appId);
  keys.push(key);
  const multi = redis.multi();
  for (const t of texts) multi.xadd(key, "*", "c", "0123456789ab", "r", "web-1", "s", "o", "ts", String(Date.now()), "t", t);
  multi.sadd(LOG_ARCHIVE_SET, key);
  const res = (await multi.exec()) ?? [];
  return res.slice(0, texts.length).map(([, id]) => String(id));
}

const countRows = async (streamKey: string) =>
  Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM log_line WHERE "streamKey" = $1`, [streamKey]))[0]?.n);

/** Waits (bounded) until the archiver has stored `n` rows of the stream and moved its cursor to `lastId`. */
async function waitArchived(streamKey: string, n: number, lastId: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if ((await countRows(streamKey)) >= n && (await redis.hget(LOG_ARCHIVE_CURSORS, streamKey)) === lastId) return;
    await sleep(100);
  }
  throw new Error(`${streamKey}: ${await countRows(streamKey)} rows archived, expected ${n}`);
}

before(async () => {
  owner = await signUp();
  team = await teamWith(owner);
});

after(async () => {
  if (keys.length) {
    await redis.del(...keys);
    await redis.hdel(LOG_ARCHIVE_CURSORS, ...keys);
  }
  await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  await db.$disconnect();
  redis.disconnect();
});

describe("log archiver", () => {
  it("stores every line once, across ticks and when its cursor is lost", async () => {
    const appId = await newApp();
    const key = appLogKey(appId);
    const first = await writeLines(
      appId,
      Array.from({ length: 50 }, (_, i) => `line ${i}`),
    );
    await waitArchived(key, 50, first.at(-1) as string);

    const second = await writeLines(appId, ["late 1", "late 2"]);
    await waitArchived(key, 52, second.at(-1) as string);
    assert.equal(await countRows(key), 52);

    // Losing the cursor makes the archiver start over; the unique cursor keeps one copy.
    await redis.hdel(LOG_ARCHIVE_CURSORS, key);
    await redis.sadd(LOG_ARCHIVE_SET, key);
    await waitArchived(key, 52, second.at(-1) as string);
    assert.equal(await countRows(key), 52);

    const rows = await sql<{ text: string; stream: string; replica: string; container: string; appId: string; deploymentId: string | null }>(
      `SELECT text, stream, replica, container, "appId", "deploymentId" FROM log_line WHERE "streamKey" = $1 ORDER BY ms, seq`,
      [key],
    );
    assert.deepEqual(
      rows.map((r) => r.text),
      [...Array.from({ length: 50 }, (_, i) => `line ${i}`), "late 1", "late 2"],
    );
    assert.deepEqual(rows[0], { text: "line 0", stream: "stdout", replica: "web-1", container: "0123456789ab", appId, deploymentId: null });
  });

  it("files a deployment's lines under its app, and drops the stream of an unknown deployment", async () => {
    const appId = await newApp();
    const deploymentId = randomUUID();
    await sql(`INSERT INTO deployment (id, "appId", kind, "imageRef", status) VALUES ($1, $2, 'image', 'x', 'failed')`, [deploymentId, appId]);
    const key = deployLogKey(deploymentId);
    const ghost = deployLogKey(randomUUID());
    keys.push(key, ghost);
    const id = String(await redis.xadd(key, "*", "t", "Step 1/2 : FROM base"));
    await redis.xadd(ghost, "*", "t", "nobody's");
    await redis.sadd(LOG_ARCHIVE_SET, key, ghost);
    await waitArchived(key, 1, id);
    const [row] = await sql<{ appId: string; deploymentId: string; text: string }>(
      `SELECT "appId", "deploymentId", text FROM log_line WHERE "streamKey" = $1`,
      [key],
    );
    assert.deepEqual(row, { appId, deploymentId, text: "Step 1/2 : FROM base" });
    assert.equal(await countRows(ghost), 0);
    assert.equal(await redis.hget(LOG_ARCHIVE_CURSORS, ghost), null);
    assert.equal(await redis.sismember(LOG_ARCHIVE_SET, ghost), 0);
  });

  it("deletes lines older than the retention period and keeps newer ones", async () => {
    const appId = await newApp();
    const key = `${appLogKey(appId)}`;
    const old = new Date(Date.now() - 30 * 86_400_000);
    for (let i = 0; i < 5; i++) {
      await sql(`INSERT INTO log_line ("appId", "streamKey", ms, seq, at, text) VALUES ($1, $2, $3, 0, $4, 'old')`, [appId, key, old.getTime() + i, old]);
    }
    await sql(`INSERT INTO log_line ("appId", "streamKey", ms, seq, at, text) VALUES ($1, $2, $3, 0, now(), 'new')`, [appId, key, Date.now()]);
    const deleted = await deleteOldLogLines(db, new Date(Date.now() - 7 * 86_400_000), { batch: 2 });
    assert.ok(deleted >= 5, `deleted ${deleted}`);
    const left = await sql<{ text: string }>(`SELECT text FROM log_line WHERE "streamKey" = $1`, [key]);
    assert.deepEqual(
      left.map((r) => r.text),
      ["new"],
    );
  });

  it("serves lines trimmed from the stream out of Postgres, without a gap or a duplicate", async () => {
    const appId = await newApp();
    const key = appLogKey(appId);
    const texts = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const ids = await writeLines(appId, texts);
    await waitArchived(key, 30, ids.at(-1) as string);
    await redis.xtrim(key, "MAXLEN", 5);
    assert.equal(await redis.xlen(key), 5);

    const res = await call("listAppLogs", {
      cookie: owner.cookie,
      params: { team, app: (await appName(appId)) as string },
      query: { after: ids[2] as string },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.lines.map((l: { text: string }) => l.text),
      texts.slice(3),
    );
    assert.equal(res.body.more, false);

    // The newest lines reach back past the trimmed stream too.
    const newest = await call("listAppLogs", { cookie: owner.cookie, params: { team, app: (await appName(appId)) as string }, query: { limit: "12" } });
    assert.deepEqual(
      newest.body.lines.map((l: { text: string }) => l.text),
      texts.slice(18),
    );
    assert.equal(newest.body.more, true);
  });
});

const appName = async (appId: string) => (await sql<{ name: string }>(`SELECT name FROM app WHERE id = $1`, [appId]))[0]?.name;
