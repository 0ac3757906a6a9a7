import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_HEALTH_CHECK } from "@berth/core/apps";
import { readinessCheck } from "./readiness-check.ts";

const imageCheck = { test: ["CMD", "true"], intervalS: 2, timeoutS: 1, startPeriodS: 10, retries: 3 };
const appCheck = { type: "tcp" as const, path: "/", timeoutS: 1, attempts: 5, intervalMs: 100 };

describe("when a replica is ready", () => {
  it("is the app's own check when it sets one, whatever the image says", () => {
    assert.deepEqual(readinessCheck(appCheck, imageCheck).check, appCheck);
  });
  it("is the Engine's verdict on the image's HEALTHCHECK when the app sets none, within the check's own bounds", () => {
    const r = readinessCheck(undefined, imageCheck);
    assert.equal(r.check.type, "engine");
    // start period + (retries + 1) rounds of interval + timeout, plus a margin.
    assert.equal(r.check.type === "engine" && r.check.deadlineMs, (10 + 4 * 3) * 1000 + 30_000);
    assert.ok(r.timeoutMs > (r.check.type === "engine" ? r.check.deadlineMs : 0));
  });
  it("is the default HTTP check when neither sets one", () => {
    const r = readinessCheck(undefined, null);
    assert.deepEqual(r.check, DEFAULT_HEALTH_CHECK);
    assert.match(r.description, /the default/);
  });
});
