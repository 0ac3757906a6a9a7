import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { statsSample } from "./stats-sample.ts";

const who = { dockerId: "0123456789abcdef0123", name: "web-1" };

describe("statsSample", () => {
  it("computes CPU like docker stats, memory without inactive file cache (cgroup v2), and sums networks", () => {
    const s = statsSample(
      {
        read: "2026-11-23T19:00:50.123456789Z",
        cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
        precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000, online_cpus: 2 },
        memory_stats: { usage: 50_000_000, limit: 64 * 1024 * 1024, stats: { inactive_file: 10_000_000 } },
        networks: { eth0: { rx_bytes: 100, tx_bytes: 10 }, eth1: { rx_bytes: 5, tx_bytes: 1 } },
      },
      who,
    );
    assert.deepEqual(s, {
      ts: "2026-11-23T19:00:50.123Z",
      container: "0123456789ab",
      replica: "web-1",
      cpuPercent: 100,
      memoryBytes: 40_000_000,
      memoryLimitBytes: 64 * 1024 * 1024,
      rxBytes: 105,
      txBytes: 11,
    });
  });

  it("uses total_inactive_file on cgroup v1 and reports no CPU for the first reading", () => {
    const s = statsSample(
      {
        read: "2026-11-23T19:00:50Z",
        cpu_stats: { cpu_usage: { total_usage: 3_000_000_000, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: 20_000_000_000 },
        precpu_stats: {},
        memory_stats: { usage: 30, limit: 100, stats: { total_inactive_file: 10 } },
      },
      who,
    );
    assert.equal(s?.cpuPercent, 0);
    assert.equal(s?.memoryBytes, 20);
    assert.equal(s?.rxBytes, 0);
  });

  it("skips the zero reading of a stopped container", () => {
    assert.equal(statsSample({ read: "0001-01-01T00:00:00Z" }, who), null);
  });
});
