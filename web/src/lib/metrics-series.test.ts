import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ContainerStats } from "@berth/core";
import { appNow, appSeries, byContainer, mergeSamples } from "./metrics-series.ts";

const T0 = Date.parse("2026-01-01T12:00:00Z");
const sample = (container: string, sec: number, over: Partial<ContainerStats> = {}): ContainerStats => ({
  ts: new Date(T0 + sec * 1000).toISOString(),
  container,
  replica: `r-${container}`,
  cpuPercent: 10,
  memoryBytes: 100,
  memoryLimitBytes: 1000,
  rxBytes: 0,
  txBytes: 0,
  ...over,
});

describe("mergeSamples", () => {
  it("keeps each container's sample of an instant once, drops old ones and sorts by time", () => {
    const held = [sample("a", 0), sample("a", 2)];
    const merged = mergeSamples(held, [sample("a", 2), sample("b", 1), sample("a", -100)], T0 - 1000);
    assert.deepEqual(
      merged.map((s) => `${s.container}@${s.ts.slice(17, 19)}`),
      ["a@00", "b@01", "a@02"],
    );
  });
});

describe("byContainer", () => {
  it("turns rx/tx totals into bytes per second and skips a reset of the totals", () => {
    const [v] = byContainer([
      sample("a", 0, { rxBytes: 1000, txBytes: 0 }),
      sample("a", 2, { rxBytes: 5000, txBytes: 200 }),
      sample("a", 3, { rxBytes: 10, txBytes: 0 }),
      sample("a", 4, { rxBytes: 110, txBytes: 50 }),
    ]);
    assert.deepEqual(
      v?.series.rx.map((p) => p.v),
      [2000, 100],
    );
    assert.deepEqual(
      v?.series.tx.map((p) => p.v),
      [100, 50],
    );
    assert.deepEqual(v?.now, { cpu: 10, memory: 100, memoryLimit: 1000, rx: 100, tx: 50 });
  });
});

describe("appSeries and appNow", () => {
  it("sums replicas per bucket and leaves out containers not heard from lately", () => {
    const views = byContainer([
      sample("a", 0, { cpuPercent: 20 }),
      sample("a", 1, { cpuPercent: 30 }),
      sample("b", 1, { cpuPercent: 5, memoryBytes: 300 }),
      sample("a", 6, { cpuPercent: 40 }),
    ]);
    const cpu = appSeries(views, 5_000).cpu.map((p) => p.v);
    assert.deepEqual(cpu, [35, 40]);
    assert.deepEqual(appNow(views, T0 + 7_000, 30_000), { cpu: 45, memory: 400, memoryLimit: 2000, rx: 0, tx: 0 });
    assert.equal(appNow(views, T0 + 40_000, 30_000).cpu, 0);
  });
});
