import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { followStep, outcomeOfRow, timeOf } from "./follow-deployment.ts";

const line = (id: string, text: string): [string, string[]] => [id, ["t", text]];
const buildEnd = (id: string, status: string): [string, string[]] => [id, ["build", JSON.stringify({ status, error: null })]];
const end = (id: string, status: string): [string, string[]] => [id, ["end", JSON.stringify({ status, reason: null, releaseVersion: 2 })]];

describe("followStep", () => {
  it("turns text entries into lines timed by their id, and moves the cursor over every entry", () => {
    const step = followStep([line("1700000000000-0", "a"), ["1700000000001-0", ["x", "unknown"]], line("1700000000002-0", "b")], "end");
    assert.deepEqual(step.lines, [
      { kind: "line", id: "1700000000000-0", ts: "2023-11-14T22:13:20.000Z", text: "a" },
      { kind: "line", id: "1700000000002-0", ts: "2023-11-14T22:13:20.002Z", text: "b" },
    ]);
    assert.equal(step.final, null);
    assert.equal(step.cursor, "1700000000002-0");
  });

  it("following to the end: passes over the build's end and stops at the deployment's, ignoring what comes after", () => {
    const step = followStep(
      [line("1-0", "built"), buildEnd("2-0", "succeeded"), line("3-0", "switched"), end("4-0", "live"), line("5-0", "old replicas stopped")],
      "end",
    );
    assert.deepEqual(
      step.lines.map((l) => (l.kind === "line" ? l.text : l.kind)),
      ["built", "switched"],
    );
    assert.deepEqual(step.final, { kind: "end", end: { status: "live", reason: null, releaseVersion: 2 } });
    assert.equal(step.cursor, "4-0");
  });

  it("following to the build: stops at the build's end, or at the deployment's when that comes first", () => {
    assert.deepEqual(followStep([line("1-0", "Step 1/1"), buildEnd("2-0", "failed"), end("3-0", "failed")], "build").final, {
      kind: "build",
      build: { status: "failed", error: null },
    });
    assert.equal(followStep([line("1-0", "Step 1/1"), end("2-0", "failed")], "build").final?.kind, "end");
  });
});

describe("outcomeOfRow", () => {
  const row = (status: string, build: { status: string; error: string | null } | null = null) => ({ status, reason: "why", release: { version: 7 }, build });

  it("is nothing while the deployment runs, and its outcome once it finished (the version only if it went live)", () => {
    assert.equal(outcomeOfRow(row("health_checking"), "end"), null);
    assert.deepEqual(outcomeOfRow(row("replaced"), "end"), { kind: "end", end: { status: "replaced", reason: "why", releaseVersion: 7 } });
    assert.deepEqual(outcomeOfRow(row("failed"), "end"), { kind: "end", end: { status: "failed", reason: "why", releaseVersion: null } });
  });

  it("ends a deleted deployment as failed, saying so", () => {
    assert.deepEqual(outcomeOfRow(null, "end"), { kind: "end", end: { status: "failed", reason: "the deployment no longer exists", releaseVersion: null } });
  });

  it("following to the build: the build row's outcome, else the deployment's", () => {
    assert.equal(outcomeOfRow(row("building", { status: "running", error: null }), "build"), null);
    assert.deepEqual(outcomeOfRow(row("building", { status: "cancelled", error: "cancelled before it started" }), "build"), {
      kind: "build",
      build: { status: "cancelled", error: "cancelled before it started" },
    });
    assert.equal(outcomeOfRow(row("failed", { status: "running", error: null }), "build")?.kind, "end");
    assert.deepEqual(outcomeOfRow(row("building", null), "build"), { kind: "build", build: { status: "failed", error: "the build no longer exists" } });
  });
});

describe("timeOf", () => {
  it("reads the milliseconds of a stream id", () => {
    assert.equal(timeOf("0-5"), "1970-01-01T00:00:00.000Z");
    assert.equal(timeOf("1700000000123-0"), "2023-11-14T22:13:20.123Z");
  });
});
