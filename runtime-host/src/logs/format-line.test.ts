import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dropMarker, formatLine } from "./format-line.ts";
import { createRedactor } from "./redact.ts";

const none = createRedactor([]);
const raw = (text: string, max: number) => {
  const all = Buffer.from(text);
  return { time: null, bytes: all.subarray(0, max), totalBytes: all.length };
};

describe("formatLine", () => {
  it("passes a short line through, redacted", () => {
    assert.equal(formatLine(raw("pw hunter22", 100), 100, createRedactor(["hunter22"])), "pw [redacted]");
  });

  it("cuts a long line and says how many bytes were cut", () => {
    assert.equal(formatLine(raw("a".repeat(25), 10), 10, none), `${"a".repeat(10)}… [cut 15 bytes]`);
    assert.equal(formatLine(raw("a".repeat(20_010), 10), 10, none), `${"a".repeat(10)}… [cut 20,000 bytes]`);
  });

  it("cuts on a character boundary", () => {
    // "é" is two bytes: a cut after 3 bytes would split the second one.
    const out = formatLine(raw("éééé", 3), 3, none);
    assert.equal(out, "é… [cut 6 bytes]");
  });

  it("writes drop markers with thousands separators", () => {
    assert.equal(dropMarker(48_123, "over 1,000 lines/s"), "[berth] 48,123 lines dropped (over 1,000 lines/s)");
    assert.equal(dropMarker(1, "x"), "[berth] 1 line dropped (x)");
  });
});
