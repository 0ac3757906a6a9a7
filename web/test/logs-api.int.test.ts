// The logs API against the running stack: lines written to an app's Redis stream in the
// runtime-host's shape, some archived to Postgres by the worker and then trimmed from the
// stream, some not archived yet; every filter and page must see both, each line once.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type AppLogLine, appLogKey, LOG_ARCHIVE_CURSORS, LOG_ARCHIVE_SET, ROUTES, routePath } from "@berth/core";
import { Redis } from "ioredis";
import { call, rand, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";

const redis = new Redis(stack.redisUrl);
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let team: string;
let otherTeam: string;
const app = "logs";
let key: string;

type Written = { id: string; i: number; ts: string; container: string; replica: string; stream: AppLogLine["stream"]; text: string };
/** Everything written, oldest first: the model the answers are checked against. */
const written: Written[] = [];
const base = Date.now() - 3_600_000;

/** Line i of the model: two replicas taking turns, every fifth on stderr, every third a request. */
function lineOf(i: number): Omit<Written, "id"> {
  const odd = i % 2 === 1;
  return {
    i,
    ts: new Date(base + i * 1_000).toISOString(),
    container: odd ? "bbbbbbbbbbbb" : "aaaaaaaaaaaa",
    replica: odd ? "logs-2" : "logs-1",
    stream: i % 5 === 0 ? "stderr" : "stdout",
    text: i % 3 === 0 ? `req ${i} GET /Users 50% \x1b[32mok\x1b[0m` : `tick ${i} 500`,
  };
}

async function write(from: number, to: number, archive: boolean): Promise<void> {
  const multi = redis.multi();
  const lines = Array.from({ length: to - from }, (_, k) => lineOf(from + k));
  for (const l of lines)
    multi.xadd(key, "*", "c", l.container, "r", l.replica, "s", l.stream === "stderr" ? "e" : "o", "ts", String(Date.parse(l.ts)), "t", l.text);
  if (archive) multi.sadd(LOG_ARCHIVE_SET, key);
  const res = (await multi.exec()) ?? [];
  lines.forEach((l, k) => {
    written.push({ ...l, id: String(res[k]?.[1]) });
  });
}

const texts = (lines: { text: string }[]) => lines.map((l) => l.text);
const expected = (pred: (w: Written) => boolean) => written.filter(pred).map((w) => w.text);

async function logs(query: Record<string, string>, as: { cookie?: string; token?: string } = { cookie: owner.cookie }) {
  return call<{ lines: AppLogLine[]; more: boolean }>("listAppLogs", { ...as, params: { team, app }, query });
}

before(async () => {
  owner = await signUp();
  viewer = await signUp();
  outsider = await signUp();
  team = await teamWith(owner, [{ user: viewer, role: "viewer" }]);
  otherTeam = await teamWith(outsider);
  const created = await call("createApp", { cookie: owner.cookie, params: { team }, body: { name: app } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  key = appLogKey(created.body.app.id);

  // 0..19 archived by the worker, then 0..9 trimmed from the stream (Postgres only);
  // 20..29 only in the stream (no SADD: the archiver does not know about them).
  await write(0, 20, true);
  const last = written.at(-1)?.id;
  for (let n = 0; n < 150 && (await redis.hget(LOG_ARCHIVE_CURSORS, key)) !== last; n++) await sleep(100);
  assert.equal(await redis.hget(LOG_ARCHIVE_CURSORS, key), last, "the worker archived the first lines");
  await write(20, 30, false);
  await redis.xtrim(key, "MAXLEN", 20);
  assert.equal(await redis.xlen(key), 20);
});

after(async () => {
  await redis.del(key);
  await redis.hdel(LOG_ARCHIVE_CURSORS, key);
  await call("deleteTeam", { cookie: owner.cookie, params: { team } });
  await call("deleteTeam", { cookie: outsider.cookie, params: { team: otherTeam } });
  redis.disconnect();
});

describe("logs API", () => {
  it("gives the newest lines from Postgres and the stream together, in order", async () => {
    const all = await logs({});
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(
      texts(all.body.lines),
      expected(() => true),
    );
    assert.equal(all.body.more, false);
    assert.deepEqual(
      all.body.lines.map((l) => l.id),
      written.map((w) => w.id),
    );
    const first = all.body.lines[0];
    assert.deepEqual(first && { ts: first.ts, container: first.container, replica: first.replica, stream: first.stream }, {
      ts: written[0]?.ts,
      container: "aaaaaaaaaaaa",
      replica: "logs-1",
      stream: "stderr",
    });
  });

  it("searches text case-insensitively, with LIKE's wildcards taken literally", async () => {
    assert.deepEqual(
      texts((await logs({ q: "users" })).body.lines),
      expected((w) => w.i % 3 === 0),
    );
    assert.deepEqual(
      texts((await logs({ q: "50%" })).body.lines),
      expected((w) => w.i % 3 === 0),
    );
    assert.deepEqual(texts((await logs({ q: "no such text" })).body.lines), []);
  });

  it("filters by container name or docker id, by stream and by time range", async () => {
    const odd = expected((w) => w.i % 2 === 1);
    assert.deepEqual(texts((await logs({ container: "logs-2" })).body.lines), odd);
    assert.deepEqual(texts((await logs({ container: "bbbbbbbbbbbb" })).body.lines), odd);
    assert.deepEqual(
      texts((await logs({ stream: "stderr" })).body.lines),
      expected((w) => w.i % 5 === 0),
    );
    const since = new Date(base + 5_000).toISOString();
    const until = new Date(base + 24_000).toISOString();
    assert.deepEqual(
      texts((await logs({ since, until })).body.lines),
      expected((w) => w.i >= 5 && w.i <= 24),
    );
    assert.deepEqual(
      texts((await logs({ since, until, q: "GET", container: "logs-1" })).body.lines),
      expected((w) => w.i >= 5 && w.i <= 24 && w.i % 6 === 0),
    );
  });

  it("pages back with `before` and forward with `after`, each line once", async () => {
    const back: AppLogLine[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (; pages < 10; pages++) {
      const page = await logs({ limit: "7", ...(cursor ? { before: cursor } : {}) });
      assert.equal(page.status, 200);
      back.unshift(...page.body.lines);
      cursor = page.body.lines[0]?.id;
      if (!page.body.more) break;
    }
    assert.equal(pages, 4);
    assert.deepEqual(
      texts(back),
      expected(() => true),
    );

    const forward: AppLogLine[] = [];
    cursor = written[2]?.id as string;
    for (let n = 0; n < 10; n++) {
      const page = await logs({ limit: "4", q: "tick", after: cursor });
      forward.push(...page.body.lines);
      cursor = page.body.lines.at(-1)?.id ?? cursor;
      if (!page.body.more) break;
    }
    assert.deepEqual(
      texts(forward),
      expected((w) => w.i > 2 && w.i % 3 !== 0),
    );
  });

  it("follows after a cursor trimmed out of the stream without a gap", async () => {
    const res = await logs({ after: written[4]?.id as string });
    assert.deepEqual(
      texts(res.body.lines),
      expected((w) => w.i > 4),
    );
    const tail = await logs({ after: written.at(-1)?.id as string });
    assert.deepEqual(tail.body, { lines: [], more: false });
  });

  it("downloads the matching lines as a text file", async () => {
    const url = new URL(stack.webUrl + routePath(ROUTES.downloadAppLogs.path, { team, app }));
    url.searchParams.set("stream", "stderr");
    const res = await fetch(url, { headers: { cookie: viewer.cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    assert.match(res.headers.get("content-disposition") ?? "", /^attachment; filename="logs-logs-.*\.txt"$/);
    const body = await res.text();
    assert.equal(
      body,
      written
        .filter((w) => w.i % 5 === 0)
        .map((w) => `${w.ts} ${w.replica} stderr ${w.text}\n`)
        .join(""),
    );

    url.searchParams.set("limit", "2");
    const cut = await fetch(url, { headers: { cookie: viewer.cookie } });
    assert.equal(cut.headers.get("x-berth-truncated"), "true");
    assert.equal((await cut.text()).trimEnd().split("\n").length, 2);
  });

  it("lets a viewer read, hides the app from another team, and refuses a token without the scope", async () => {
    assert.equal((await logs({ limit: "1" }, { cookie: viewer.cookie })).status, 200);
    assert.equal((await logs({}, { cookie: outsider.cookie })).status, 404);
    assert.equal((await call("listAppLogs", { params: { team, app } })).status, 401);
    const narrow = await call("createToken", { cookie: owner.cookie, body: { name: `n-${rand()}`, scopes: ["registry:read"], expiresInDays: 1 } });
    assert.equal((await logs({}, { token: narrow.body.secret })).status, 403);
    const wide = await call("createToken", { cookie: owner.cookie, body: { name: `w-${rand()}`, scopes: ["apps:deploy"], expiresInDays: 1 } });
    assert.equal((await logs({ limit: "1" }, { token: wide.body.secret })).status, 200);
    // Another team's app of the same name does not exist for the outsider either.
    assert.equal((await call("listAppLogs", { cookie: outsider.cookie, params: { team: otherTeam, app } })).status, 404);
  });

  it("refuses malformed cursors and filters", async () => {
    assert.equal((await logs({ after: "nope" })).status, 400);
    assert.equal((await logs({ since: "yesterday" })).status, 400);
    assert.equal((await logs({ stream: "stdin" })).status, 400);
  });
});
