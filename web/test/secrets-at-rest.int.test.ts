// A secret env value never rests in Redis in the clear: after a deploy of an app with a secret
// and a one-off command that prints it, every key and stream in Redis (BullMQ's job hashes and
// `*:events` streams included), the AOF and a fresh RDB snapshot are searched for the value.
// A canary written in the clear first proves the search finds what is there.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { call, signUp, type TestUser, teamWith } from "./api.ts";
import { stack } from "./config.ts";
import { appHost, waitForApp, waitForDeployment } from "./deploys.ts";

const SERVER = "require('http').createServer((q,s)=>s.end('up')).listen(8080)";
const secret = `sealed-${randomBytes(16).toString("hex")}`;
const canary = `canary-${randomBytes(16).toString("hex")}`;
const canaryKey = `berth:test:canary:${randomBytes(4).toString("hex")}`;
const redis = new Redis(stack.redisUrl);
let dev: TestUser;
let team: string;

before(async () => {
  dev = await signUp();
  team = await teamWith(dev);
});

after(async () => {
  if (dev) await call("deleteApp", { cookie: dev.cookie, params: { team, app: "vault" } });
  await redis.del(canaryKey);
  redis.disconnect();
});

/** Every value in Redis, as text: strings, hashes, lists, sets, sorted sets and streams. */
async function everyValue(): Promise<{ key: string; text: string }[]> {
  const out: { key: string; text: string }[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let parts: unknown[] = [];
      if (type === "string") parts = [await redis.get(key)];
      else if (type === "hash") parts = Object.entries(await redis.hgetall(key)).flat();
      else if (type === "list") parts = await redis.lrange(key, 0, -1);
      else if (type === "set") parts = await redis.smembers(key);
      else if (type === "zset") parts = await redis.zrange(key, 0, -1);
      else if (type === "stream") parts = (await redis.xrange(key, "-", "+")).flatMap(([, fields]) => fields);
      out.push({ key, text: parts.map(String).join("\n") });
    }
  } while (cursor !== "0");
  return out;
}

/** The AOF files and a fresh RDB snapshot, written without compression so that plain values are plain bytes. */
async function persistedFiles(): Promise<{ file: string; bytes: Buffer }[]> {
  const dir = (await redis.config("GET", "dir"))[1] as string;
  const aofDir = join(dir, (await redis.config("GET", "appenddirname"))[1] as string);
  const rdbFile = join(dir, (await redis.config("GET", "dbfilename"))[1] as string);
  const compression = (await redis.config("GET", "rdbcompression"))[1] as string;
  await redis.config("SET", "rdbcompression", "no");
  try {
    const before = await redis.lastsave();
    for (let i = 0; i < 150; i++) {
      const started = await redis.bgsave().then(
        () => true,
        () => false, // another save in progress: try again
      );
      if (started) break;
      await sleep(200);
    }
    for (let i = 0; i < 150 && (await redis.lastsave()) === before; i++) await sleep(200);
    assert.notEqual(await redis.lastsave(), before, "Redis wrote a new RDB snapshot");
  } finally {
    await redis.config("SET", "rdbcompression", compression);
  }
  const files = [rdbFile, ...(await readdir(aofDir)).map((f) => join(aofDir, f))];
  return Promise.all(files.map(async (file) => ({ file, bytes: await readFile(file) })));
}

test("a deployed app's secret is in no Redis key, stream, AOF or RDB file", async () => {
  const created = await call("createApp", {
    cookie: dev.cookie,
    params: { team },
    body: {
      name: "vault",
      image: `${stack.registryHost}/berth/node:20`,
      env: { API_KEY: { value: secret, secret: true }, GREETING: { value: "plain-value" } },
      config: { port: 8080, cmd: ["node", "-e", SERVER], healthCheck: { type: "http", path: "/", timeoutS: 2, attempts: 60, intervalMs: 250 } },
    },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const d = await call("createDeployment", { cookie: dev.cookie, params: { team, app: "vault" }, body: {} });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const done = await waitForDeployment({ cookie: dev.cookie }, team, "vault", d.body.id);
  assert.equal(done.status, "live", done.reason);
  await waitForApp(appHost("vault", team), (r) => r.body === "up");

  // The container got the value (through the host's sealed env), and a one-off that prints it is redacted.
  const run = await call("runCommand", { cookie: dev.cookie, params: { team, app: "vault" }, body: { cmd: ["sh", "-c", 'echo "key=$API_KEY"'] } });
  assert.equal(run.status, 200, JSON.stringify(run.body));
  assert.equal(run.body.output.trim(), "key=[redacted]");
  // (Its hash, not the value: a command line travels in the job payload like any argument.)
  const check = await call("runCommand", {
    cookie: dev.cookie,
    params: { team, app: "vault" },
    body: { cmd: ["sh", "-c", 'printf %s "$API_KEY" | sha256sum'] },
  });
  assert.equal(check.body.output.split(" ")[0], createHash("sha256").update(secret).digest("hex"), "the container's env holds the secret's real value");

  await redis.set(canaryKey, canary);
  const values = await everyValue();
  assert.ok(
    values.some((v) => v.text.includes(canary)),
    "the key scan finds a value that is there",
  );
  assert.ok(
    values.some((v) => v.key.endsWith(":events")),
    "BullMQ's event streams are among the keys searched",
  );
  const leaks = values.filter((v) => v.text.includes(secret)).map((v) => v.key);
  assert.deepEqual(leaks, [], "no Redis key holds the secret");

  const files = await persistedFiles();
  assert.ok(
    files.some((f) => f.file.endsWith(".rdb") && f.bytes.includes(canary)),
    "the RDB search finds a value that is there",
  );
  assert.ok(
    files.some((f) => !f.file.endsWith(".rdb") && f.bytes.includes(canary)),
    "the AOF search finds a value that is there",
  );
  const leaked = files.filter((f) => f.bytes.includes(secret)).map((f) => f.file);
  assert.deepEqual(leaked, [], "no AOF or RDB file holds the secret");
});
