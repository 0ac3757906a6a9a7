import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareEngineTimes, parseEngineTime } from "./engine-time.ts";

describe("engine time", () => {
  it("keeps nanoseconds and derives milliseconds since the epoch", () => {
    const t = parseEngineTime("2026-11-23T19:00:50.506644497Z");
    assert.ok(t);
    assert.equal(t.ms, Date.UTC(2026, 10, 23, 19, 0, 50, 506));
    assert.equal(t.nano, 506_644_497);
  });

  it("orders times that differ only below the millisecond", () => {
    const a = parseEngineTime("2026-11-23T19:00:50.506644497Z");
    const b = parseEngineTime("2026-11-23T19:00:50.506644498Z");
    const c = parseEngineTime("2026-11-23T19:00:51.000000000Z");
    assert.ok(a && b && c);
    assert.ok(compareEngineTimes(a, b) < 0);
    assert.ok(compareEngineTimes(c, b) > 0);
    assert.equal(compareEngineTimes(a, { ...a }), 0);
  });

  it("reads offsets and short fractions, and refuses what is not a time", () => {
    const t = parseEngineTime("2026-11-23T20:00:50.5+01:00");
    assert.equal(t?.ms, Date.UTC(2026, 10, 23, 19, 0, 50, 500));
    assert.equal(parseEngineTime("hello world"), null);
    assert.equal(parseEngineTime("2026-11-23 19:00:50Z"), null);
  });
});
