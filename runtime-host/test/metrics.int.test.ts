// Container metrics against the real engine and Redis: an app container with a memory limit run
// through a fresh runtime-host; its samples must land in the app's metrics stream, carrying the
// limit, and be published on the event bus. Keys and containers made here are removed.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type BusMessage, EVENTS_CHANNEL, ROOMS } from "@berth/core/events";
import { appMetricsKey, type ContainerStats, containerStats } from "@berth/core/logs";
import { Redis } from "ioredis";
import { stack } from "../../web/test/config.ts";
import { spec, useAgent } from "./agent.ts";

const suffix = randomBytes(3).toString("hex");
const team = `t${suffix}`;
const { run, made } = useAgent();
made.networks.push(`berth_net_${team}`);
const redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const bus = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
const appId = randomUUID();
const published: BusMessage[] = [];

before(async () => {
  bus.on("message", (_channel, text: string) => published.push(JSON.parse(text) as BusMessage));
  await bus.subscribe(EVENTS_CHANNEL);
});

after(async () => {
  await redis.del(appMetricsKey(appId));
  bus.disconnect();
  redis.disconnect();
});

describe("container metrics", () => {
  it("samples a running app container into the app's metrics stream and onto the bus", async () => {
    const limit = 48 * 1024 * 1024;
    const name = `berth-test-metrics-${suffix}`;
    made.containers.push(name);
    await run("containerRun", {
      version: 1,
      spec: spec(name, team, { cmd: ["sleep", "120"], labels: { team, teamId: team, appId }, limits: { memoryBytes: limit, pids: 64 } }),
    });
    let samples: ContainerStats[] = [];
    for (let i = 0; i < 100 && samples.length < 2; i++) {
      const raw = (await redis.xrange(appMetricsKey(appId), "-", "+")) as [string, string[]][];
      samples = raw.map(([, f]) => containerStats.parse(JSON.parse(f[1] ?? "{}")));
      if (samples.length < 2) await sleep(100);
    }
    assert.ok(samples.length >= 2, "samples keep coming");
    const last = samples.at(-1);
    assert.ok(last);
    assert.equal(last.replica, name);
    assert.equal(last.memoryLimitBytes, limit);
    assert.ok(last.memoryBytes > 0 && last.memoryBytes < limit);
    assert.ok(last.cpuPercent >= 0);

    const events = published.filter((m) => m.type === "container.stats" && m.room === ROOMS.metrics(appId));
    assert.ok(events.length > 0, "published on the bus");
    const first = events[0];
    assert.ok(first?.type === "container.stats");
    assert.equal(first.payload.appId, appId);
    assert.equal(first.payload.samples[0]?.memoryLimitBytes, limit);

    // Stopped containers are not sampled any more.
    await run("containerAction", { version: 1, name, action: "stop" });
    await sleep(1_500);
    const before = await redis.xlen(appMetricsKey(appId));
    await sleep(2_000);
    assert.equal(await redis.xlen(appMetricsKey(appId)), before);
  });
});
