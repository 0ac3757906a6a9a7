// The log pipeline against the real engine and Redis: containers of a throw-away app run through a
// fresh runtime-host; their lines must land in the app's stream and on the event bus, split by
// stream, redacted, cut, rate-limited with a marker (without slowing another app), and resumed
// exactly once after the follower restarts. Every key and container made here is removed.

import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import { generateHostKey } from "@berth/core/host-seal";
import { createLogger } from "@berth/core/logger";
import { appLogKey, LOG_ARCHIVE_CURSORS, LOG_ARCHIVE_SET, LOG_LINE_MAX_BYTES, LOG_RATE, logFollowCursorKey } from "@berth/core/logs";
import { Redis } from "ioredis";
import { stack } from "../../web/test/config.ts";
import { createManagedContainer } from "../src/containers/create-container.ts";
import { startLogPipeline } from "../src/logs/start-log-pipeline.ts";
import { watchContainers } from "../src/logs/watch-containers.ts";
import { docker, spec, useAgent } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `t${suffix}`;
const { run, made, hostId } = useAgent();
made.networks.push(`berth_net_${team}`);
const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const bus = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const appIds: string[] = [];
const hostIds = [hostId];
const published: BusMessage[] = [];

type Entry = { id: string; c: string; r: string; s: string; ts: number; t: string };

async function entries(appId: string): Promise<Entry[]> {
  const raw = (await redis.xrange(appLogKey(appId), "-", "+")) as [string, string[]][];
  return raw.map(([id, f]) => {
    const m: Record<string, string> = {};
    for (let i = 0; i + 1 < f.length; i += 2) m[f[i] as string] = f[i + 1] as string;
    return { id, c: m.c ?? "", r: m.r ?? "", s: m.s ?? "", ts: Number(m.ts), t: m.t ?? "" };
  });
}

/** Polls the app's stream (every 100 ms, up to `ms`) until `done` holds; returns the last read. */
async function waitForEntries(appId: string, done: (e: Entry[]) => boolean, ms = 15_000): Promise<Entry[]> {
  let last: Entry[] = [];
  for (let i = 0; i < ms / 100; i++) {
    last = await entries(appId);
    if (done(last)) return last;
    await sleep(100);
  }
  return last;
}

const exited = (e: Entry[]) => e.some((x) => x.s === "m" && / exited with code \d+$/.test(x.t));

async function runApp(name: string, cmd: string, over: { env?: Record<string, string>; secretKeys?: string[] } = {}) {
  const appId = randomUUID();
  appIds.push(appId);
  made.containers.push(name);
  await run("containerRun", {
    version: 1,
    spec: spec(name, team, {
      cmd: ["sh", "-c", cmd],
      env: over.env ?? {},
      labels: { team, teamId: team, appId, ...(over.secretKeys ? { secretKeys: over.secretKeys } : {}) },
    }),
  });
  return appId;
}

before(async () => {
  bus.on("message", (_channel, text: string) => published.push(JSON.parse(text) as BusMessage));
  await bus.subscribe(EVENTS_CHANNEL);
});

after(async () => {
  for (const appId of appIds) {
    const key = appLogKey(appId);
    await redis.del(key);
    await redis.srem(LOG_ARCHIVE_SET, key);
    await redis.hdel(LOG_ARCHIVE_CURSORS, key);
  }
  for (const id of hostIds) await redis.del(logFollowCursorKey(id));
  bus.disconnect();
  redis.disconnect();
});

describe("runtime logs of app containers", () => {
  it("streams stdout and stderr lines to the app's stream and the bus, secrets redacted, long lines cut", async () => {
    const cmd = [
      "echo out-line",
      "echo err-line >&2",
      'echo "token=$API_TOKEN greeting=$GREETING"',
      "head -c 20000 /dev/zero | tr '\\0' x; echo",
      "echo done",
    ].join("; ");
    const appId = await runApp(`berth-test-logs-${suffix}`, cmd, {
      env: { API_TOKEN: "tok-9f8e7d6c5b4a", GREETING: "hello-there" },
      secretKeys: ["API_TOKEN"],
    });
    const got = await waitForEntries(appId, exited);
    const text = (t: string) => got.find((e) => e.t === t);
    assert.equal(text("out-line")?.s, "o", JSON.stringify(got.map((e) => [e.s, e.t.slice(0, 40)])));
    assert.equal(text("err-line")?.s, "e");
    assert.ok(text("token=[redacted] greeting=hello-there"), "the secret is redacted, the plain value is not");
    assert.ok(!got.some((e) => e.t.includes("tok-9f8e7d6c5b4a")), "the secret never reaches the stream");
    const long = got.find((e) => e.t.startsWith("xxxx"));
    assert.ok(long, "the long line is there");
    assert.match(long.t, /^x+… \[cut [\d,]+ bytes\]$/);
    assert.equal(long.t.indexOf("…"), LOG_LINE_MAX_BYTES);
    assert.equal(long.t, `${"x".repeat(LOG_LINE_MAX_BYTES)}… [cut ${(20_000 - LOG_LINE_MAX_BYTES).toLocaleString("en-US")} bytes]`);
    const outLine = text("out-line");
    assert.ok(outLine);
    assert.equal(outLine.r, `berth-test-logs-${suffix}`);
    assert.match(outLine.c, /^[0-9a-f]{12}$/);
    assert.ok(Math.abs(outLine.ts - Date.now()) < 120_000, "ts is the engine's time in ms");
    assert.ok(got.some((e) => e.s === "m" && e.t === `[berth] container berth-test-logs-${suffix} started`));
    assert.ok(got.some((e) => e.s === "m" && e.t === `[berth] container berth-test-logs-${suffix} exited with code 0`));

    const onBus = published.filter((m) => m.type === "app.log" && m.room === ROOMS.logs(appId)).flatMap((m) => (m.type === "app.log" ? m.payload.lines : []));
    const busLine = onBus.find((l) => l.text === "out-line");
    assert.ok(busLine, "the line was published");
    assert.equal(busLine.id, outLine.id, "with its stream id as cursor");
    assert.equal(busLine.stream, "stdout");
    assert.equal(onBus.find((l) => l.text === "err-line")?.stream, "stderr");
    assert.equal(new Date(busLine.ts).getTime(), outLine.ts);
  });

  it("drops a flood over the rate with a marker, without slowing another app's lines", async () => {
    const total = 120_000;
    const flood = await runApp(`berth-test-flood-${suffix}`, `i=0; while [ $i -lt ${total} ]; do echo "flood $i"; i=$((i+1)); done`);
    const steady = await runApp(`berth-test-steady-${suffix}`, 'i=0; while [ $i -lt 40 ]; do echo "tick $i"; i=$((i+1)); sleep 0.1; done');

    const floodLines = await waitForEntries(flood, exited, 60_000);
    assert.ok(exited(floodLines), "the flood ended");
    const kept = floodLines.filter((e) => e.s === "o");
    const markers = floodLines.filter((e) => e.s === "m" && e.t.includes("dropped"));
    assert.ok(markers.length > 0, "a marker says lines were dropped");
    let dropped = 0;
    for (const m of markers) {
      const match = /^\[berth\] ([\d,]+) lines? dropped \(over 1,000 lines\/s\)$/.exec(m.t);
      assert.ok(match, `marker text: ${m.t}`);
      dropped += Number(match[1]?.replaceAll(",", ""));
    }
    assert.ok(dropped > 0);
    assert.equal(kept.length + dropped, total, "every line is either kept or counted as dropped");
    const info = await docker.getContainer(`berth-test-flood-${suffix}`).inspect();
    const seconds = (Date.parse(info.State.FinishedAt) - Date.parse(info.State.StartedAt)) / 1000;
    assert.ok(kept.length <= LOG_RATE.linesPerSecond * (seconds + 1) + LOG_RATE.burst, `kept ${kept.length} in ${seconds} s`);
    // Kept lines keep their order.
    const numbers = kept.map((e) => Number(e.t.split(" ")[1]));
    assert.ok(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? -1)));

    const steadyLines = await waitForEntries(steady, exited, 30_000);
    const ticks = steadyLines.filter((e) => e.s === "o").map((e) => e.t);
    assert.deepEqual(
      ticks,
      Array.from({ length: 40 }, (_, i) => `tick ${i}`),
    );
  });

  it("resumes after the follower restarts with every line exactly once", async () => {
    // A pipeline in this process for a host of its own, so it can be stopped and started again.
    const ownHost = `test-${randomBytes(4).toString("hex")}`;
    hostIds.push(ownHost);
    const log = createLogger({ process: "logs-test", level: "silent" });
    const pipelineRedis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    const start = () => {
      const logs = startLogPipeline({ docker, redis: pipelineRedis, hostId: ownHost, log });
      const watcher = watchContainers({ docker, hostId: ownHost, log, handlers: [logs] });
      return async () => {
        watcher.stop();
        await logs.close();
      };
    };
    const appId = randomUUID();
    appIds.push(appId);
    const name = `berth-test-resume-${suffix}`;
    made.containers.push(name);
    let stop = start();
    try {
      const container = await createManagedContainer(
        docker,
        spec(name, team, { cmd: ["sh", "-c", 'i=0; while [ $i -lt 50 ]; do echo "n $i"; i=$((i+1)); sleep 0.1; done'], labels: { team, teamId: team, appId } }),
        // The firewall is not what this test is about: the stack's own agent fences this engine's team networks.
        { hostId: ownHost, privateKeyPem: generateHostKey().privateKeyPem, publishAddress: "127.0.0.1", fence: { cover: async () => {} } },
      );
      await container.start();
      const first = await waitForEntries(appId, (e) => e.filter((x) => x.s === "o").length >= 5);
      assert.ok(first.filter((x) => x.s === "o").length >= 5, "lines arrive before the restart");
      await stop();
      await sleep(1_500);
      const during = (await entries(appId)).filter((x) => x.s === "o").length;
      stop = start();
      const all = await waitForEntries(appId, exited, 20_000);
      const lines = all.filter((x) => x.s === "o").map((x) => x.t);
      assert.ok(lines.length > during, "lines written while stopped arrive after the restart");
      assert.deepEqual(
        lines,
        Array.from({ length: 50 }, (_, i) => `n ${i}`),
      );
    } finally {
      await stop();
      pipelineRedis.disconnect();
    }
  });
});
