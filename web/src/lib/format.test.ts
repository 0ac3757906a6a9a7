import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAge, formatBytes, formatPercent, formatRate } from "./format.ts";

describe("formatBytes", () => {
  it("uses binary units with one decimal below 10", () => {
    assert.equal(formatBytes(512), "512 B");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(25 * 1024 ** 3), "25 GiB");
  });
});

describe("formatAge", () => {
  it("rounds to the largest sensible unit and never goes negative", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    assert.equal(formatAge("2026-01-01T11:59:55Z", now), "5s ago");
    assert.equal(formatAge("2026-01-01T11:50:00Z", now), "10m ago");
    assert.equal(formatAge("2026-01-01T09:00:00Z", now), "3h ago");
    assert.equal(formatAge("2026-01-01T12:00:05Z", now), "0s ago");
  });
});

describe("formatRate and formatPercent", () => {
  it("prints rates with binary units and CPU shares with sensible precision", () => {
    assert.equal(formatRate(1536), "1.5 KiB/s");
    assert.equal(formatRate(-3), "0 B/s");
    assert.equal(formatPercent(3.1234), "3.1 %");
    assert.equal(formatPercent(150.4), "150 %");
  });
});
