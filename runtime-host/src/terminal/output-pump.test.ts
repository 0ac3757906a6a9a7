import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createOutputPump } from "./output-pump.ts";

const collect = (maxChars = 1_000, flushMs = 5) => {
  const out: string[] = [];
  const pump = createOutputPump({ emit: (t) => out.push(t), flushMs, maxChars });
  return { out, pump };
};

describe("output pump", () => {
  it("keeps a multi-byte character that arrives split over two reads", () => {
    const { out, pump } = collect();
    const bytes = Buffer.from("price: 5€ 🚢\n");
    const euro = bytes.indexOf(0xe2);
    const ship = bytes.indexOf(0xf0);
    pump.push(bytes.subarray(0, euro + 1));
    pump.push(bytes.subarray(euro + 1, ship + 2));
    pump.push(bytes.subarray(ship + 2));
    pump.end();
    assert.equal(out.join(""), "price: 5€ 🚢\n");
    assert.ok(!out.join("").includes("\ufffd"));
  });

  it("coalesces small reads into one message", async () => {
    const { out, pump } = collect(1_000, 20);
    for (const c of ["a", "b", "c"]) pump.push(Buffer.from(c));
    assert.deepEqual(out, [], "nothing is sent before the flush delay");
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(out, ["abc"]);
  });

  it("sends at once when the pending text reaches the size cap, in pieces no larger than it", () => {
    const { out, pump } = collect(4, 10_000);
    pump.push(Buffer.from("0123456789"));
    assert.deepEqual(out, ["0123", "4567", "89"]);
    pump.end();
  });

  it("does not split a surrogate pair at the size cap", () => {
    const { out, pump } = collect(2, 10_000);
    pump.push(Buffer.from("a🚢b"));
    pump.end();
    assert.equal(out.join(""), "a🚢b");
    for (const piece of out) assert.ok(!/[\ud800-\udbff]$/.test(piece), JSON.stringify(out));
  });

  it("ends with a replacement character for a cut-off sequence instead of dropping it", () => {
    const { out, pump } = collect();
    pump.push(Buffer.from([0x61, 0xe2, 0x82]));
    pump.end();
    assert.equal(out.join(""), "a\ufffd");
  });
});
