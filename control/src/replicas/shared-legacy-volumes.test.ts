import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { legacyVolumeName } from "@berth/core/apps";
import { otherReadings } from "./shared-legacy-volumes.ts";

describe("otherReadings", () => {
  it("finds the look-alike team and app whose old volume name was the same", () => {
    const readings = otherReadings("a-b", "c", "data");
    assert.deepEqual(readings, [
      { slug: "a", name: "b", volume: "c-data" },
      { slug: "a", name: "b-c", volume: "data" },
    ]);
    for (const r of readings) assert.equal(legacyVolumeName(r.slug, r.name, r.volume), legacyVolumeName("a-b", "c", "data"));
  });

  it("reads dashes in the volume's name too, and leaves out the app itself", () => {
    const readings = otherReadings("t", "web", "my-data");
    assert.deepEqual(readings, [
      { slug: "t", name: "web-my", volume: "data" },
      { slug: "t-web", name: "my", volume: "data" },
    ]);
  });

  it("finds none for names without more dashes", () => {
    assert.deepEqual(otherReadings("team", "web", "data"), []);
  });
});
