import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type AppLogPayload, createLogCoalescer, MAX_MERGED_LINES, MAX_WINDOW_MS, windowFor } from "./coalesce-logs.ts";

const line = (n: number) => ({ id: `1-${n}`, ts: new Date(0).toISOString(), container: "c", replica: "r", stream: "stdout" as const, text: String(n) });
const payload = (...ns: number[]): AppLogPayload => ({ version: 1, appId: "a", lines: ns.map(line) });

function harness(size: number) {
  const sent: AppLogPayload[] = [];
  const c = createLogCoalescer({ roomSize: () => size, emit: (_room, p) => sent.push(p) });
  const texts = () => sent.flatMap((p) => p.lines.map((l) => Number(l.text)));
  return { c, sent, texts };
}

describe("log coalescer", () => {
  it("sends every message at once to a small room", () => {
    const { c, sent } = harness(3);
    for (let i = 1; i <= 5; i++) c.push("logs:a", payload(i));
    assert.equal(sent.length, 5);
    c.close();
  });

  it("merges a crowded room's messages within the window, in order, without losing any", async () => {
    const { c, sent, texts } = harness(1_000);
    c.push("logs:a", payload(1)); // after a quiet spell: at once
    for (let i = 2; i <= 6; i++) c.push("logs:a", payload(i));
    assert.equal(sent.length, 1);
    await sleep(MAX_WINDOW_MS + 20);
    assert.equal(sent.length, 2);
    assert.deepEqual(texts(), [1, 2, 3, 4, 5, 6]);
    c.close();
  });

  it("never merges more than the cap into one message", () => {
    const { c, sent, texts } = harness(1_000);
    c.push("logs:a", payload(0));
    const big = Array.from({ length: MAX_MERGED_LINES }, (_, i) => i + 1);
    c.push("logs:a", payload(...big));
    c.push("logs:a", payload(MAX_MERGED_LINES + 1));
    assert.ok(sent.length >= 2);
    assert.ok(sent.every((p) => p.lines.length <= MAX_MERGED_LINES));
    c.close();
    assert.deepEqual(texts(), [0, ...big]);
  });

  it("sizes the window to the room", () => {
    assert.equal(windowFor(1), 0);
    assert.ok(windowFor(200) > 0 && windowFor(200) < MAX_WINDOW_MS);
    assert.equal(windowFor(100_000), MAX_WINDOW_MS);
  });
});
