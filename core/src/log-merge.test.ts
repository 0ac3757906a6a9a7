import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mergeNewer } from "./log-merge.ts";

const l = (id: string) => ({ id });

describe("mergeNewer", () => {
  it("keeps only lines after the cursor, each once, in cursor order", () => {
    const r = mergeNewer("5-0", [l("4-0"), l("5-0"), l("6-0"), l("7-0")], [l("7-0"), l("6-1"), l("8-0")]);
    assert.deepEqual(
      r.lines.map((x) => x.id),
      ["6-0", "6-1", "7-0", "8-0"],
    );
    assert.equal(r.lastId, "8-0");
  });
  it("orders by milliseconds numerically, not as text", () => {
    const r = mergeNewer(undefined, [l("10-0"), l("9-0"), l("9-10"), l("9-2")]);
    assert.deepEqual(
      r.lines.map((x) => x.id),
      ["9-0", "9-2", "9-10", "10-0"],
    );
  });
  it("leaves the cursor where it was when nothing is newer", () => {
    assert.deepEqual(mergeNewer("9-0", [l("8-0")]), { lines: [], lastId: "9-0" });
  });
});
