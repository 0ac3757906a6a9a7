import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { appLogKey, deployLogKey } from "@berth/core";
import { streamOwner, toLogRows } from "./log-rows.ts";

describe("streamOwner", () => {
  it("tells app streams from deployment streams and ignores other keys", () => {
    assert.deepEqual(streamOwner(appLogKey("a1")), { kind: "app", appId: "a1" });
    assert.deepEqual(streamOwner(deployLogKey("d1")), { kind: "deploy", deploymentId: "d1" });
    assert.equal(streamOwner("berth:something:else"), null);
    assert.equal(streamOwner(appLogKey("")), null);
  });
});

describe("toLogRows", () => {
  it("maps runtime fields and splits the cursor", () => {
    const [row] = toLogRows("k", "app", null, [["1700000000123-7", ["c", "abc", "r", "web-1", "s", "e", "ts", "1700000000100", "t", "boom"]]]);
    assert.equal(row?.ms, 1700000000123n);
    assert.equal(row?.seq, 7);
    assert.equal(row?.stream, "stderr");
    assert.equal(row?.container, "abc");
    assert.equal(row?.replica, "web-1");
    assert.equal(row?.at.getTime(), 1700000000100);
    assert.equal(row?.text, "boom");
  });

  it("times deploy lines by their id and replaces NUL, which Postgres refuses", () => {
    const [row] = toLogRows("k", "app", "dep", [["1700000000999-0", ["t", "a\u0000b"]]]);
    assert.equal(row?.at.getTime(), 1700000000999);
    assert.equal(row?.deploymentId, "dep");
    assert.equal(row?.container, null);
    assert.equal(row?.text, "a\uFFFDb");
  });

  it("skips the build and end markers of a deployment's log: they are not lines", () => {
    const rows = toLogRows("k", "app", "dep", [
      ["1700000000001-0", ["t", "Step 1/2 : FROM base"]],
      ["1700000000002-0", ["build", '{"status":"succeeded","error":null}']],
      ["1700000000003-0", ["end", '{"status":"live","reason":null,"releaseVersion":1}']],
    ]);
    assert.deepEqual(
      rows.map((r) => r.text),
      ["Step 1/2 : FROM base"],
    );
  });

  it("skips entries whose id is not a stream id", () => {
    assert.equal(toLogRows("k", "app", null, [["nope", ["t", "x"]]]).length, 0);
  });
});
