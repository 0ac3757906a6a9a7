import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deployLogEntryOf, isFinished, wentLive } from "./apps.ts";

describe("deployment states", () => {
  it("counts replaced as finished and as having gone live; superseded as neither live nor running", () => {
    assert.equal(isFinished("replaced"), true);
    assert.equal(wentLive("replaced"), true);
    assert.equal(wentLive("live"), true);
    assert.equal(wentLive("superseded"), false);
    assert.equal(isFinished("health_checking"), false);
  });
});

describe("deployLogEntryOf", () => {
  it("reads a line, a build end and a deployment end", () => {
    assert.deepEqual(deployLogEntryOf("1-0", ["t", "Step 1/2 : FROM base"]), { kind: "line", id: "1-0", text: "Step 1/2 : FROM base" });
    assert.deepEqual(deployLogEntryOf("2-0", ["build", '{"status":"failed","error":"Step 2/2 failed"}']), {
      kind: "build",
      id: "2-0",
      build: { status: "failed", error: "Step 2/2 failed" },
    });
    assert.deepEqual(deployLogEntryOf("3-0", ["end", '{"status":"live","reason":null,"releaseVersion":4}']), {
      kind: "end",
      id: "3-0",
      end: { status: "live", reason: null, releaseVersion: 4 },
    });
  });

  it("fills what an end entry leaves out and keeps an empty line a line", () => {
    assert.deepEqual(deployLogEntryOf("3-0", ["end", '{"status":"cancelled"}']), {
      kind: "end",
      id: "3-0",
      end: { status: "cancelled", reason: null, releaseVersion: null },
    });
    assert.deepEqual(deployLogEntryOf("4-0", ["t", ""]), { kind: "line", id: "4-0", text: "" });
  });

  it("skips what it cannot read rather than showing it as a line", () => {
    assert.equal(deployLogEntryOf("5-0", ["end", "not json"]), null);
    assert.equal(deployLogEntryOf("5-1", ["end", '{"status":"exploded"}']), null);
    assert.equal(deployLogEntryOf("5-2", ["something", "new"]), null);
  });
});
