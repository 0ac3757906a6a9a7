import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blankedReservedLabels, reservedLabels } from "./reserved-labels.ts";

describe("Berth's own labels", () => {
  it("finds every berth. key with a value, in any case, and nothing else", () => {
    const labels = { "berth.app-id": "a1", "Berth.Managed": "true", "org.berth.base.fingerprint": "x", "berthe.x": "y", maintainer: "me" };
    assert.deepEqual(reservedLabels(labels), ["berth.app-id", "Berth.Managed"]);
    assert.deepEqual(reservedLabels(undefined), []);
  });

  it("counts a blanked label as unset, which is what a commit leaves", () => {
    const container = { "berth.managed": "true", "berth.team-id": "t1", "org.opencontainers.image.title": "web" };
    const blanked = blankedReservedLabels(container);
    assert.deepEqual(blanked, { "berth.managed": "", "berth.team-id": "" });
    assert.deepEqual(reservedLabels({ ...container, ...blanked }), []);
  });
});
